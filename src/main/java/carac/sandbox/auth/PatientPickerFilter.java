package carac.sandbox.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Standalone launch: when a signed-in user's authorization request asks for {@code launch/patient} and
 * carries no launch, the user first picks a patient ({@link PatientPickerController}), which then resumes
 * the same request with a launch that names the patient.
 */
final class PatientPickerFilter extends OncePerRequestFilter {

  static final String PICKER_PATH = "/sandbox/pick-patient";

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"/oauth2/authorize".equals(request.getRequestURI()) || !"GET".equals(request.getMethod());
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication user = SecurityContextHolder.getContext().getAuthentication();
    boolean signedIn = user != null && user.isAuthenticated() && !(user instanceof AnonymousAuthenticationToken);
    String scope = request.getParameter("scope");
    boolean wantsPatient = scope != null && Arrays.asList(scope.split(" ")).contains("launch/patient");
    if (signedIn && wantsPatient && request.getParameter("launch") == null) {
      response.sendRedirect(request.getContextPath() + PICKER_PATH + "?" + request.getQueryString());
      return;
    }
    chain.doFilter(request, response);
  }
}
