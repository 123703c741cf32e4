package carac.cds;

import org.springframework.http.HttpStatus;

/**
 * A request the service cannot answer with cards, with the HTTP status, the OperationOutcome issue code
 * (FHIR {@code IssueType}) and a plain message for the caller. Messages never hold patient data.
 */
public class CdsException extends RuntimeException {

  private final HttpStatus status;
  private final String issueCode;

  public CdsException(HttpStatus status, String issueCode, String message) {
    super(message);
    this.status = status;
    this.issueCode = issueCode;
  }

  public HttpStatus status() {
    return status;
  }

  public String issueCode() {
    return issueCode;
  }

  static CdsException badRequest(String message) {
    return new CdsException(HttpStatus.BAD_REQUEST, "invalid", message);
  }
}
