package carac.sandbox.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * RFC 7636 §4.1 on the token endpoint: a {@code code_verifier} is 43 to 128 unreserved characters. Spring
 * only compares its hash, so a 3-character verifier (guessable) was accepted; it is now
 * {@code invalid_request}.
 */
final class PkceVerifierFilter extends OncePerRequestFilter {

  private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"/oauth2/token".equals(request.getRequestURI()) || !"POST".equals(request.getMethod());
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String verifier = request.getParameter("code_verifier");
    if (verifier != null && !VERIFIER.matcher(verifier).matches()) {
      response.setStatus(400);
      response.setContentType("application/json;charset=UTF-8");
      response.getWriter().write("{\"error\":\"invalid_request\",\"error_description\":"
          + "\"code_verifier must be 43 to 128 unreserved characters (RFC 7636)\"}");
      return;
    }
    chain.doFilter(request, response);
  }
}
