package carac.cds;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Error answers as FHIR R4 OperationOutcomes ({@code application/fhir+json}), for the service and the app. */
public final class OperationOutcomes {

  public static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

  private OperationOutcomes() {}

  public static ResponseEntity<String> response(HttpStatus status, String issueCode, String message) {
    return ResponseEntity.status(status).contentType(FHIR_JSON).body(json(status, issueCode, message));
  }

  public static String json(HttpStatus status, String issueCode, String message) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue()
        .setSeverity(status.is5xxServerError() ? OperationOutcome.IssueSeverity.FATAL : OperationOutcome.IssueSeverity.ERROR)
        .setCode(OperationOutcome.IssueType.fromCode(issueCode))
        .setDiagnostics(message);
    return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(outcome);
  }
}
