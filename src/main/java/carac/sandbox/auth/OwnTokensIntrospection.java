package carac.sandbox.auth;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;

/**
 * Introspection (RFC 7662) answers a client only about its own tokens: another client's token is reported
 * {@code active: false}, as RFC 7662 §2.2 allows, so one confidential client cannot learn another's
 * patients, scopes or users.
 */
final class OwnTokensIntrospection implements AuthenticationProvider {

  private final AuthenticationProvider delegate;

  OwnTokensIntrospection(AuthenticationProvider delegate) {
    this.delegate = delegate;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    Authentication result = delegate.authenticate(authentication);
    if (result instanceof OAuth2TokenIntrospectionAuthenticationToken introspected
        && introspected.getTokenClaims().isActive()
        && introspected.getPrincipal() instanceof OAuth2ClientAuthenticationToken caller
        && caller.getRegisteredClient() != null
        && !caller.getRegisteredClient().getClientId().equals(introspected.getTokenClaims().getClientId())) {
      return new OAuth2TokenIntrospectionAuthenticationToken(introspected.getToken(), caller,
          OAuth2TokenIntrospection.builder().build());
    }
    return result;
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return delegate.supports(authentication);
  }
}
