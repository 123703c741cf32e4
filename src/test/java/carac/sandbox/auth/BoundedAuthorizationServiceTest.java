package carac.sandbox.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/** Issue 13 item 12: the in-memory authorization store is purged of expired tokens and bounded. */
class BoundedAuthorizationServiceTest {

  private static final RegisteredClient CLIENT = RegisteredClient.withId("c").clientId("c")
      .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
      .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).build();

  private static OAuth2Authorization withToken(int i, Instant issued, Instant expires) {
    return OAuth2Authorization.withRegisteredClient(CLIENT).id("a" + i).principalName("p")
        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
        .accessToken(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "t" + i, issued, expires, Set.of()))
        .build();
  }

  @Test
  void expiredAuthorizationsArePurgedAndTheStoreIsBounded() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    var inner = new InMemoryOAuth2AuthorizationService();
    OAuth2AuthorizationService store = new BoundedAuthorizationService(inner, 150, Clock.fixed(now, ZoneOffset.UTC));
    List<OAuth2Authorization> expired = new ArrayList<>();
    for (int i = 0; i < 128; i++) {
      var a = withToken(i, now.minusSeconds(3600), now.minusSeconds(60));
      expired.add(a);
      store.save(a);
    }
    // the 128th save purged every expired one
    assertThat(store.findById("a0")).isNull();
    assertThat(store.findById("a127")).isNull();
    for (int i = 128; i < 400; i++) {
      store.save(withToken(i, now, now.plusSeconds(300)));
    }
    int live = 0;
    for (int i = 128; i < 400; i++) {
      live += store.findById("a" + i) == null ? 0 : 1;
    }
    assertThat(live).as("bounded at 150").isLessThanOrEqualTo(150).isPositive();
    assertThat(store.findById("a399")).as("the newest kept").isNotNull();
  }
}
