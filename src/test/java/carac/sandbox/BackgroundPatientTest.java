package carac.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import carac.cards.CardAssembler;
import carac.cql.CaracEvaluation;
import carac.cql.CqlEvaluator;
import carac.cql.SiteConfiguration;
import carac.fhir.PatientBundle;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A background patient (Synthea-like: no CAR-T, but with platelets, fibrinogen, D-dimer and PT that would
 * score in a CAR-T patient) must not fire: no day 0, no days, no chart events, no card, not even an
 * "indeterminate" one. The same behaviour as story TC-15b (fhir-resources/scenarios/tc-15b-no-car-t,
 * expected-cards.json: no cards). The control adds a CAR-T infusion to the same records and must fire,
 * so the records are read and the silence is earned.
 */
class BackgroundPatientTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Path PATIENT =
      Path.of("src/test/resources/synthea-like/Synthea456_Background123_5f0c2d7e-8a41-4b3c-9e2f-1a6b7c8d9e01.json");
  private static final Path TC15B_CARDS = Path.of("fhir-resources/scenarios/tc-15b-no-car-t/expected-cards.json");
  private static final OffsetDateTime AS_OF = OffsetDateTime.parse("2025-06-01T12:00:00+00:00");

  private static CqlEvaluator evaluator;

  @BeforeAll
  static void compileLibraries() {
    evaluator = new CqlEvaluator(SiteConfiguration.empty());
  }

  /**
   * The patient as the sandbox FHIR server serves it after the transaction: every urn:uuid full URL and
   * reference becomes Type/id (the server picks new ids; Synthea's uuids stand in for them here).
   */
  private static Bundle asStored(Bundle transaction) {
    Map<String, String> ids = new HashMap<>();
    for (var entry : transaction.getEntry()) {
      // the parser gives a urn:uuid entry's resource the full URL as its id
      ids.put(entry.getFullUrl(), entry.getResource().fhirType() + "/" + entry.getFullUrl().replace("urn:uuid:", ""));
    }
    var terser = FHIR.newTerser();
    Bundle stored = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    for (var entry : transaction.getEntry()) {
      Resource resource = entry.getResource();
      for (Reference ref : terser.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
        String target = ids.get(ref.getReference());
        if (target != null) {
          ref.setReference(target);
        }
      }
      resource.setId(ids.get(entry.getFullUrl()));
      stored.addEntry().setFullUrl(ids.get(entry.getFullUrl())).setResource(resource);
    }
    return stored;
  }

  private static Bundle readPatient() throws IOException {
    return FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(PATIENT));
  }

  private static CaracEvaluation evaluate(Bundle stored) {
    PatientBundle patient = PatientBundle.of(stored);
    return new CardAssembler("en").withCards(
        evaluator.evaluate(patient.bundle(), patient.patientId(), AS_OF, patient.dataQuality()));
  }

  @Test
  void aBackgroundPatientWithoutCarTGetsNothing() throws IOException {
    CaracEvaluation result = evaluate(asStored(readPatient()));

    assertThat(result.patient()).isEqualTo("Patient/5f0c2d7e-8a41-4b3c-9e2f-1a6b7c8d9e01");
    assertThat(result.infusionDate()).isNull();
    assertThat(result.asOfDay()).isNull();
    assertThat(result.days()).isEmpty();
    assertThat(result.window()).isNull();
    assertThat(result.events()).isEmpty();
    assertThat(result.cards()).isEmpty();
    assertThat(result.dataQuality()).extracting(CaracEvaluation.DataQualityIssue::code).doesNotContain("other-patient");
    // the same as the no-CAR-T story's expected cards
    var tc15b = new ObjectMapper().readTree(TC15B_CARDS.toFile());
    assertThat(tc15b.get(0).get("cards")).isEmpty();
  }

  @Test
  void controlTheSameRecordsWithACarTInfusionDoFire() throws IOException {
    Bundle stored = asStored(readPatient());
    String patientRef = "Patient/5f0c2d7e-8a41-4b3c-9e2f-1a6b7c8d9e01";
    // tisagenlecleucel by NDC, as story TC-01 records it, ten days before the laboratory values
    var infusion = new MedicationAdministration()
        .setStatus(MedicationAdministration.MedicationAdministrationStatus.COMPLETED)
        .setMedication(new CodeableConcept().addCoding(
            new Coding().setSystem("http://hl7.org/fhir/sid/ndc").setCode("0078-0846-19")))
        .setSubject(new Reference(patientRef))
        .setEffective(new DateTimeType("2025-05-20T10:00:00+00:00"));
    infusion.setId("MedicationAdministration/background-control-cart");
    stored.addEntry().setFullUrl(infusion.getId()).setResource(infusion);

    CaracEvaluation result = evaluate(stored);

    assertThat(result.infusionDate()).isEqualTo("2025-05-20");
    assertThat(result.days()).isNotEmpty();
    assertThat(result.cards()).as("cards once the same patient has a CAR-T infusion").isNotEmpty();
  }

  @Test
  void theHandWrittenPatientHasNoCarTAndPostsWithUrnUuid() throws IOException {
    Bundle transaction = readPatient();
    assertThat(transaction.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
    assertThat(transaction.getEntry()).allSatisfy(e -> {
      assertThat(e.getFullUrl()).startsWith("urn:uuid:");
      assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
    });
    List<String> types = transaction.getEntry().stream().map(e -> e.getResource().fhirType()).toList();
    assertThat(types).contains("Patient", "Encounter", "Observation", "MedicationAdministration")
        .doesNotContain("Procedure");
  }
}
