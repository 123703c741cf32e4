package carac.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's own error answers (a header too large, a malformed Content-Type, anything refused before
 * Spring sees it) as a FHIR OperationOutcome instead of Tomcat's HTML page. Fixed text only: nothing from
 * the request is echoed, no server version, no stack trace.
 */
public final class JsonErrorReportValve extends ErrorReportValve {

  public JsonErrorReportValve() {
    setShowReport(false);
    setShowServerInfo(false);
  }

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    try {
      response.setContentType("application/fhir+json");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(outcome(status));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // the client went away: nothing more to say
    }
  }

  static String outcome(int status) {
    String code = status == 401 ? "login" : status == 403 ? "forbidden" : status == 404 ? "not-found"
        : status == 413 ? "too-long" : status >= 500 ? "exception" : "invalid";
    String text = status >= 500 ? "internal error" : "the request was refused (HTTP " + status + ")";
    return "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"" + code
        + "\",\"diagnostics\":\"" + text + "\"}]}";
  }
}
