package carac.sandbox.auth;

import carac.smart.AccessTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Component;

/**
 * Tokens the sandbox mints for itself (the EHR page's {@code fhirAuthorization}, tests): signed with the
 * authorization server's key and recorded as authorizations of the {@code sandbox-ehr} client, so that
 * introspection, revocation and expiry treat them exactly like tokens from the token endpoint.
 */
@Component
class SandboxAccessTokens implements AccessTokens {

  static final String EHR_CLIENT = "sandbox-ehr";

  private final JwtEncoder encoder;
  private final OAuth2AuthorizationService authorizations;
  private final RegisteredClientRepository clients;

  SandboxAccessTokens(JwtEncoder encoder, OAuth2AuthorizationService authorizations,
      RegisteredClientRepository clients) {
    this.encoder = encoder;
    this.authorizations = authorizations;
    this.clients = clients;
  }

  @Override
  public Issued issue(String subject, String scope, String patientId, Duration lifetime) {
    RegisteredClient client = clients.findByClientId(EHR_CLIENT);
    if (client == null) {
      throw new IllegalStateException("client " + EHR_CLIENT + " is not registered (carac.sandbox.auth.clients)");
    }
    Instant now = Instant.now(); // real time, as the decoder checks it; carac.sandbox.fixed-instant pins only clinical "now"
    Instant expires = now.plus(lifetime);
    JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
        .subject(subject)
        .audience(java.util.List.of(EHR_CLIENT))
        .issuedAt(now)
        .notBefore(now)
        .expiresAt(expires)
        .id(UUID.randomUUID().toString())
        .claim("client_id", EHR_CLIENT)
        .claim("scope", scope);
    if (patientId != null) {
      claims.claim("patient", patientId);
    }
    Jwt jwt = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims.build()));
    Set<String> scopes = AuthorizationServerConfig.scopeSet(scope);
    OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, jwt.getTokenValue(),
        jwt.getIssuedAt(), jwt.getExpiresAt(), scopes);
    authorizations.save(OAuth2Authorization.withRegisteredClient(client)
        .principalName(subject)
        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
        .authorizedScopes(scopes)
        .token(token, metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, Map.copyOf(jwt.getClaims())))
        .build());
    return new Issued(jwt.getTokenValue(), expires, scope, patientId);
  }
}
