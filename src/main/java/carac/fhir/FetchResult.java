package carac.fhir;

import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/** What one FHIR query gave: the resources (all pages), or why it gave nothing usable. */
public sealed interface FetchResult {

  /** Every resource of every page, in the order the server sent them (OperationOutcome entries dropped). */
  record Success(List<Resource> resources) implements FetchResult {}

  /**
   * The query failed. {@code detail} is a short technical reason for logs and OperationOutcomes; it never
   * holds patient data.
   */
  record Failure(Reason reason, int httpStatus, String detail) implements FetchResult {}

  /** Why a query failed, in the terms a caller maps to HTTP answers. */
  enum Reason {
    /** 401 from the FHIR server: the token was refused. */
    UNAUTHORIZED,
    /** 403 from the FHIR server: the token does not allow this read. */
    FORBIDDEN,
    /** 404 (e.g. no such Patient). */
    NOT_FOUND,
    /** No connection, or the connection broke. */
    UNREACHABLE,
    /** The read timeout or the total budget ran out. */
    TIMEOUT,
    /** The server answered something that is not the FHIR expected (or a paging link to another host). */
    INVALID_RESPONSE,
    /** Any other HTTP error. */
    SERVER_ERROR
  }
}
