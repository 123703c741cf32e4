package carac.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import carac.cql.CaracEvaluation.DataQualityIssue;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * One patient's data, ready for evaluation: exactly one Patient, every other resource referring to it.
 * Records of another patient are removed before the engine sees them and reported without their
 * identifiers (fhir-input-profile.md P1, P10); resources get typed ids, which the in-memory repository
 * needs (stack-notes §5).
 */
public record PatientBundle(String patientId, Bundle bundle, List<DataQualityIssue> dataQuality) {

  /** The input is not one patient's FHIR Bundle; the message is one plain line for the user. */
  public static final class InvalidBundleException extends RuntimeException {
    public InvalidBundleException(String message) {
      super(message);
    }
  }

  /** Parses JSON text; throws {@link InvalidBundleException} naming the problem. */
  public static PatientBundle parse(FhirContext context, String json) {
    String text = json == null ? "" : json.strip();
    if (!text.startsWith("{")) {
      throw new InvalidBundleException("not JSON (a FHIR Bundle in JSON was expected)");
    }
    IBaseResource parsed;
    try {
      parsed = context.newJsonParser().parseResource(text);
    } catch (DataFormatException e) {
      throw new InvalidBundleException("not a readable FHIR resource: " + firstLine(e.getMessage()));
    }
    if (!(parsed instanceof Bundle bundle)) {
      throw new InvalidBundleException(
          "not a FHIR Bundle (resourceType '" + parsed.fhirType() + "')");
    }
    return of(bundle);
  }

  /** Checks and cleans an already parsed bundle. */
  public static PatientBundle of(Bundle source) {
    List<Patient> patients = new ArrayList<>();
    for (var entry : source.getEntry()) {
      if (entry.getResource() instanceof Patient p) {
        patients.add(p);
      }
    }
    if (patients.isEmpty()) {
      throw new InvalidBundleException("the bundle has no Patient (one patient per bundle)");
    }
    if (patients.size() > 1) {
      throw new InvalidBundleException(
          "the bundle has " + patients.size() + " Patients (one patient per bundle)");
    }
    String patientId = plainId(patients.get(0).getIdElement().getIdPart());
    if (patientId == null || patientId.isBlank()) {
      throw new InvalidBundleException("the Patient has no id");
    }
    String patientRef = "Patient/" + patientId;
    // a transaction bundle (e.g. Synthea's) refers to its Patient by the entry's urn:uuid full URL
    String patientFullUrl = source.getEntry().stream().filter(e -> e.getResource() == patients.get(0))
        .map(Bundle.BundleEntryComponent::getFullUrl).filter(u -> u != null && u.startsWith(URN_UUID))
        .findFirst().orElse(null);

    var clean = new Bundle().setType(Bundle.BundleType.COLLECTION);
    List<DataQualityIssue> issues = new ArrayList<>();
    for (var entry : source.getEntry()) {
      Resource r = entry.getResource();
      if (r == null) {
        continue;
      }
      String id = plainId(r.getIdElement().getIdPart());
      if (id == null || id.isBlank()) {
        issues.add(new DataQualityIssue(r.fhirType(), "no-id", r.fhirType() + " without id: ignored"));
        continue;
      }
      if (patientFullUrl != null) {
        pointSubjectAt(r, patientFullUrl, patientRef);
      }
      String subject = subjectOf(r);
      if (!(r instanceof Patient) && subject != null && !subject.equals(patientRef)) {
        issues.add(
            new DataQualityIssue(
                r.fhirType(), "other-patient", "record for another patient: ignored, never shown"));
        continue;
      }
      r.setId(new IdType(r.fhirType(), id));
      clean.addEntry().setFullUrl(r.fhirType() + "/" + id).setResource(r);
    }
    return new PatientBundle(patientId, clean, List.copyOf(issues));
  }

  private static final String URN_UUID = "urn:uuid:";

  /** The id of a resource; for one read from a urn:uuid entry (the parser takes the full URL), the uuid. */
  private static String plainId(String id) {
    return id != null && id.startsWith(URN_UUID) ? id.substring(URN_UUID.length()) : id;
  }

  /** Rewrites a subject/patient reference to the Patient's urn:uuid full URL as {@code Patient/<id>}. */
  private static void pointSubjectAt(Resource r, String patientFullUrl, String patientRef) {
    for (String name : List.of("subject", "patient")) {
      var property = r.getNamedProperty(name);
      if (property != null && property.hasValues() && property.getValues().get(0) instanceof Reference ref
          && patientFullUrl.equals(ref.getReference())) {
        ref.setReference(patientRef);
      }
    }
  }

  /** The patient reference of a clinical record (subject, else patient), or null if it has none. */
  private static String subjectOf(Resource r) {
    for (String name : List.of("subject", "patient")) {
      var property = r.getNamedProperty(name);
      if (property != null && property.hasValues() && property.getValues().get(0) instanceof Reference ref) {
        String value = ref.getReferenceElement().toUnqualifiedVersionless().getValue();
        return value == null ? "" : value;
      }
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown parse error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
