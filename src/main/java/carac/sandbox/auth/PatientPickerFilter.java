package carac.sandbox.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Standalone launch: when a signed-in user's authorization request asks for {@code launch/patient} and
 * carries no launch, the user first picks a patient ({@link PatientPickerController}), which then resumes
 * the same request with a launch that names the patient.
 */
final class PatientPickerFilter extends OncePerRequestFilter {

  static final String PICKER_PATH = "/sandbox/pick-patient";

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"/oauth2/authorize".equals(request.getRequestURI())
        || !("GET".equals(request.getMethod()) || "POST".equals(request.getMethod()));
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication user = SecurityContextHolder.getContext().getAuthentication();
    boolean signedIn = user != null && user.isAuthenticated() && !(user instanceof AnonymousAuthenticationToken);
    String scope = request.getParameter("scope");
    boolean wantsPatient = scope != null && Arrays.asList(scope.split(" ")).contains("launch/patient");
    if (signedIn && wantsPatient && request.getParameter("launch") == null) {
      response.sendRedirect(request.getContextPath() + PICKER_PATH + "?" + authorizeQuery(request));
      return;
    }
    chain.doFilter(request, response);
  }

  /** The authorization request's parameters as a query: from the URL (GET) or the form (authorize-post). */
  private static String authorizeQuery(HttpServletRequest request) {
    var query = UriComponentsBuilder.newInstance();
    request.getParameterMap().forEach((name, values) -> {
      for (String value : values) {
        query.queryParam(name, UriUtils.encodeQueryParam(value, StandardCharsets.UTF_8));
      }
    });
    return query.build(true).getQuery();
  }
}
