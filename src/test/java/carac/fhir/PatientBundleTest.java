package carac.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** One-patient checks on a transaction bundle whose records refer to the Patient by urn:uuid (Synthea's shape). */
class PatientBundleTest {

  private static final String PATIENT_UUID = "5f0c2d7e-8a41-4b3c-9e2f-1a6b7c8d9e01";

  private static Bundle syntheaShaped() throws Exception {
    return FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, Files.readString(
        Path.of("src/test/resources/synthea-like/Synthea456_Background123_" + PATIENT_UUID + ".json")));
  }

  @Test
  void urnUuidReferencesToThePatientAreItsOwnRecords() throws Exception {
    PatientBundle patient = PatientBundle.of(syntheaShaped());
    assertThat(patient.patientId()).isEqualTo(PATIENT_UUID);
    assertThat(patient.dataQuality()).extracting(i -> i.code()).doesNotContain("other-patient");
    var observations = patient.bundle().getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(Observation.class::isInstance).map(Observation.class::cast).toList();
    assertThat(observations).isNotEmpty()
        .allSatisfy(o -> assertThat(o.getSubject().getReference()).isEqualTo("Patient/" + PATIENT_UUID));
  }

  @Test
  void aRecordPointingAtAnotherUrnUuidIsStillAnotherPatients() throws Exception {
    Bundle bundle = syntheaShaped();
    var stranger = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(Observation.class::isInstance).map(Observation.class::cast).findFirst().orElseThrow();
    stranger.setSubject(new Reference("urn:uuid:00000000-0000-4000-8000-000000000000"));
    PatientBundle patient = PatientBundle.of(bundle);
    assertThat(patient.dataQuality()).extracting(i -> i.code()).containsOnlyOnce("other-patient");
  }
}
