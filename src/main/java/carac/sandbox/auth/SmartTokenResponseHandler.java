package carac.sandbox.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * The token response with the SMART launch context at the top level ({@code patient}, {@code encounter},
 * {@code need_patient_banner}, {@code smart_style_url}, the CDS Hooks {@code appContext}) beside the
 * OAuth fields, which is where SMART apps look for it, not inside the JWT.
 */
final class SmartTokenResponseHandler implements AuthenticationSuccessHandler {

  private final OAuth2AuthorizationService authorizations;
  private final LaunchContexts launches;
  private final AuthProperties properties;
  private final ObjectMapper json = new ObjectMapper();

  SmartTokenResponseHandler(OAuth2AuthorizationService authorizations, LaunchContexts launches,
      AuthProperties properties) {
    this.authorizations = authorizations;
    this.launches = launches;
    this.properties = properties;
  }

  @Override
  public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
      Authentication authentication) throws IOException {
    OAuth2AccessTokenAuthenticationToken tokens = (OAuth2AccessTokenAuthenticationToken) authentication;
    OAuth2AccessToken access = tokens.getAccessToken();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", access.getTokenValue());
    body.put("token_type", "Bearer");
    if (access.getExpiresAt() != null) {
      body.put("expires_in", Math.max(0, Duration.between(Instant.now(), access.getExpiresAt()).toSeconds()));
    }
    body.put("scope", String.join(" ", access.getScopes()));
    if (tokens.getRefreshToken() != null) {
      body.put("refresh_token", tokens.getRefreshToken().getTokenValue());
    }
    body.putAll(tokens.getAdditionalParameters()); // id_token

    OAuth2Authorization authorization = authorizations.findByToken(access.getTokenValue(), OAuth2TokenType.ACCESS_TOKEN);
    SmartContext smart = SmartContext.of(authorization, launches, properties);
    if (smart.patientId() != null) {
      body.put("patient", smart.patientId());
      body.put("need_patient_banner", smart.needPatientBanner());
    }
    if (smart.encounterId() != null) {
      body.put("encounter", smart.encounterId());
    }
    if (smart.appContext() != null) {
      body.put("appContext", smart.appContext());
    }
    if (properties.smartStyleUrl() != null && !properties.smartStyleUrl().isBlank()) {
      body.put("smart_style_url", properties.smartStyleUrl());
    }
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("Pragma", "no-cache");
    json.writeValue(response.getOutputStream(), body);
  }
}
