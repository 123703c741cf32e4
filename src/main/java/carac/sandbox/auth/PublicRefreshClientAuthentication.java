package carac.sandbox.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * A public SMART client (no secret, PKCE at the code exchange) presenting its refresh token with only its
 * {@code client_id}: SMART App Launch allows refresh tokens for public clients, Spring Authorization Server
 * authenticates public clients only at the code exchange. The refresh token itself is the credential; it is
 * rotated at every use ({@code reuseRefreshTokens=false}), so a stolen, already used one is refused.
 */
final class PublicRefreshClientAuthentication {

  private PublicRefreshClientAuthentication() {}

  /** {@code grant_type=refresh_token} with a {@code client_id} and no client credentials. */
  static final class Converter implements AuthenticationConverter {
    @Override
    public Authentication convert(HttpServletRequest request) {
      if (!"POST".equals(request.getMethod())
          || !AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE))
          || request.getHeader("Authorization") != null || request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null
          || request.getParameter("client_assertion") != null) {
        return null;
      }
      String[] ids = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
      if (ids == null || ids.length != 1 || ids[0].isBlank()) {
        return null;
      }
      return new OAuth2ClientAuthenticationToken(ids[0], ClientAuthenticationMethod.NONE, null,
          Map.of(OAuth2ParameterNames.GRANT_TYPE, AuthorizationGrantType.REFRESH_TOKEN.getValue()));
    }
  }

  /** Authenticates that token when the client is registered as public and may use refresh tokens. */
  static final class Provider implements AuthenticationProvider {
    private final RegisteredClientRepository clients;

    Provider(RegisteredClientRepository clients) {
      this.clients = clients;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
      var token = (OAuth2ClientAuthenticationToken) authentication;
      if (!ClientAuthenticationMethod.NONE.equals(token.getClientAuthenticationMethod())
          || !AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(token.getAdditionalParameters().get(OAuth2ParameterNames.GRANT_TYPE))) {
        return null; // not ours: PKCE code exchanges go to Spring's PublicClientAuthenticationProvider
      }
      RegisteredClient client = clients.findByClientId(token.getPrincipal().toString());
      if (client == null || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)
          || !client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.REFRESH_TOKEN)) {
        throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
      }
      return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
    }

    @Override
    public boolean supports(Class<?> authentication) {
      return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
    }
  }
}
