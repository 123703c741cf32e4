package carac.sandbox.auth;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** 401 and 403 from the FHIR server's security layer as FHIR OperationOutcomes, as FHIR clients expect. */
final class OperationOutcomeErrors {

  private OperationOutcomeErrors() {}

  static AuthenticationEntryPoint unauthorized() {
    return (request, response, e) -> {
      response.setHeader("WWW-Authenticate", "Bearer");
      write(response, 401, "login", "A valid Bearer access token is required");
    };
  }

  static AccessDeniedHandler forbidden() {
    return (request, response, e) -> write(response, 403, "forbidden", "The access token does not allow this");
  }

  static void write(HttpServletResponse response, int status, String code, String text) throws IOException {
    response.setStatus(status);
    response.setContentType("application/fhir+json;charset=UTF-8");
    // fixed text only: nothing from the request is echoed back
    response.getWriter().write("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\""
        + code + "\",\"diagnostics\":\"" + text + "\"}]}");
  }
}
