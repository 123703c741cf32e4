package carac.cds;

import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every failure of the CDS service and the app's API as an OperationOutcome: the request's own problems
 * with their 4xx and a plain message, anything unexpected as a 500 carrying an error id that the log
 * carries too (with the stack trace, which never reaches the caller).
 */
@RestControllerAdvice(basePackages = {"carac.cds", "carac.app"})
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CdsErrorHandler {

  private static final Logger log = LoggerFactory.getLogger(CdsErrorHandler.class);

  @ExceptionHandler(CdsException.class)
  public ResponseEntity<String> known(CdsException e) {
    log.info("request refused: {} {}", e.status().value(), e.getMessage());
    return OperationOutcomes.response(e.status(), e.issueCode(), e.getMessage());
  }

  @ExceptionHandler(Exception.class)
  public ResponseEntity<String> unexpected(Exception e) {
    String errorId = UUID.randomUUID().toString();
    // exception messages can quote resource ids or URLs with a patient id: the class and the frame at ERROR,
    // the full trace only at DEBUG
    StackTraceElement at = e.getStackTrace().length == 0 ? null : e.getStackTrace()[0];
    log.error("unexpected error, error id {}: {} at {}", errorId, e.getClass().getName(), at);
    log.debug("error id {}", errorId, e);
    return OperationOutcomes.response(HttpStatus.INTERNAL_SERVER_ERROR, "exception",
        "internal error; quote error id " + errorId + " to the CARAC Watch team");
  }
}
