package carac.sandbox.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code GET /fhir/.well-known/smart-configuration} (SMART App Launch 2.2 §2.1): answered before the request
 * reaches the HAPI servlet that owns {@code /fhir/*}. Lists only what this server does.
 */
final class SmartConfigurationFilter extends OncePerRequestFilter {

  static final List<String> CAPABILITIES = List.of(
      "launch-ehr", "launch-standalone", "client-public", "client-confidential-symmetric",
      "context-ehr-patient", "context-ehr-encounter", "context-standalone-patient", "context-banner",
      "context-style", "permission-v2", "permission-v1", "permission-patient", "permission-user",
      "permission-offline", "permission-online", "sso-openid-connect", "authorize-post");

  private final ObjectMapper json = new ObjectMapper();

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String base = ServletUriComponentsBuilder.fromContextPath(request).build().toUriString();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("issuer", base);
    body.put("jwks_uri", base + "/oauth2/jwks");
    body.put("authorization_endpoint", base + "/oauth2/authorize");
    body.put("token_endpoint", base + "/oauth2/token");
    body.put("introspection_endpoint", base + "/oauth2/introspect");
    body.put("revocation_endpoint", base + "/oauth2/revoke");
    body.put("userinfo_endpoint", base + "/userinfo");
    body.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials"));
    body.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none"));
    body.put("scopes_supported", List.of("openid", "fhirUser", "launch", "launch/patient", "offline_access",
        "online_access", "patient/*.rs", "user/*.rs", "system/*.rs"));
    body.put("response_types_supported", List.of("code"));
    body.put("code_challenge_methods_supported", List.of("S256"));
    body.put("capabilities", CAPABILITIES);
    response.setContentType("application/json");
    json.writeValue(response.getOutputStream(), body);
  }
}
