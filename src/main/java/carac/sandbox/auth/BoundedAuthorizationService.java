package carac.sandbox.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Keeps the authorization store from growing without end: every authorization is forgotten once its last
 * token has expired (an unfinished one after ten minutes), checked every 128 saves, and when the store is
 * full the oldest are dropped (their users sign in again). Thread-safe.
 */
final class BoundedAuthorizationService implements OAuth2AuthorizationService {

  static final Duration UNFINISHED = Duration.ofMinutes(10);

  private final OAuth2AuthorizationService delegate;
  private final int max;
  private final Clock clock;
  /** id → when its last token expires, oldest first. */
  private final LinkedHashMap<String, Instant> expiry = new LinkedHashMap<>();
  private int saves;

  BoundedAuthorizationService(OAuth2AuthorizationService delegate, int max, Clock clock) {
    this.delegate = delegate;
    this.max = max;
    this.clock = clock;
  }

  @Override
  public void save(OAuth2Authorization authorization) {
    delegate.save(authorization);
    List<String> drop = new ArrayList<>();
    synchronized (expiry) {
      expiry.remove(authorization.getId());
      expiry.put(authorization.getId(), lastExpiry(authorization));
      if (++saves % 128 == 0 || expiry.size() > max) {
        Instant now = clock.instant();
        for (Iterator<Map.Entry<String, Instant>> it = expiry.entrySet().iterator(); it.hasNext(); ) {
          var e = it.next();
          if (e.getValue().isBefore(now) || expiry.size() - drop.size() > max) {
            drop.add(e.getKey());
            it.remove();
          }
        }
      }
    }
    for (String id : drop) {
      OAuth2Authorization old = delegate.findById(id);
      if (old != null) {
        delegate.remove(old);
      }
    }
  }

  private Instant lastExpiry(OAuth2Authorization authorization) {
    Instant last = null;
    for (var type : new Class<?>[] {org.springframework.security.oauth2.core.OAuth2AccessToken.class,
        org.springframework.security.oauth2.core.OAuth2RefreshToken.class,
        org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode.class,
        org.springframework.security.oauth2.core.oidc.OidcIdToken.class}) {
      @SuppressWarnings("unchecked")
      OAuth2Authorization.Token<? extends OAuth2Token> token =
          authorization.getToken((Class<OAuth2Token>) type);
      if (token != null && token.getToken().getExpiresAt() != null
          && (last == null || token.getToken().getExpiresAt().isAfter(last))) {
        last = token.getToken().getExpiresAt();
      }
    }
    return last == null ? clock.instant().plus(UNFINISHED) : last;
  }

  int size() {
    synchronized (expiry) {
      return expiry.size();
    }
  }

  @Override
  public void remove(OAuth2Authorization authorization) {
    synchronized (expiry) {
      expiry.remove(authorization.getId());
    }
    delegate.remove(authorization);
  }

  @Override
  public OAuth2Authorization findById(String id) {
    return delegate.findById(id);
  }

  @Override
  public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
    return delegate.findByToken(token, tokenType);
  }
}
