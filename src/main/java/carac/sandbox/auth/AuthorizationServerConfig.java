package carac.sandbox.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The sandbox's SMART App Launch 2.2 authorization server, built on Spring Authorization Server: EHR and
 * standalone launch, PKCE S256 required for every client, {@code aud} checked, launch context in the token
 * response, refresh tokens (rotating, public clients included) only when {@code offline_access} or
 * {@code online_access} was granted, requested scopes narrowed by SMART meaning ({@link SmartScopeFilter}),
 * introspection (RFC 7662) and revocation (RFC 7009), OpenID Connect with {@code fhirUser}.
 */
@Configuration
@EnableConfigurationProperties(AuthProperties.class)
public class AuthorizationServerConfig {

  @Bean
  @Order(1)
  SecurityFilterChain authorizationServerChain(
      HttpSecurity http,
      OAuth2AuthorizationService authorizations,
      LaunchContexts launches,
      AuthProperties properties,
      OAuth2TokenGenerator<?> tokenGenerator,
      RegisteredClientRepository clients)
      throws Exception {
    OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
    var smartChecks = new SmartAuthorizationRequestValidator(AuthorizationServerConfig::fhirBaseOfCurrentRequest, launches);
    // CORS preflights of the endpoints (OPTIONS is not among Spring's endpoint matchers) are answered here too
    var paths = org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher.withDefaults();
    var preflights = new org.springframework.security.web.util.matcher.OrRequestMatcher(
        paths.matcher(org.springframework.http.HttpMethod.OPTIONS, "/oauth2/**"),
        paths.matcher(org.springframework.http.HttpMethod.OPTIONS, "/.well-known/**"),
        paths.matcher(org.springframework.http.HttpMethod.OPTIONS, "/userinfo"));
    http.securityMatcher(new org.springframework.security.web.util.matcher.OrRequestMatcher(server.getEndpointsMatcher(), preflights))
        .with(server, as -> as
            .tokenGenerator(tokenGenerator)
            .oidc(Customizer.withDefaults())
            // scopes by SMART meaning (SmartScopeFilter narrowed the request), then the SMART checks
            .authorizationEndpoint(endpoint -> endpoint.authenticationProviders(providers -> providers.forEach(p -> {
              if (p instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider codeRequests) {
                codeRequests.setAuthenticationValidator(
                    SmartScopeFilter.bySmartMeaning(new OAuth2AuthorizationCodeRequestAuthenticationValidator()).andThen(smartChecks));
              }
            })))
            // a public client (PKCE, no secret) may use its rotating refresh token: SAS alone refuses it
            .clientAuthentication(client -> client
                .authenticationConverters(converters -> converters.add(0, new PublicRefreshClientAuthentication.Converter()))
                .authenticationProviders(providers -> providers.add(0, new PublicRefreshClientAuthentication.Provider(clients))))
            .tokenEndpoint(endpoint -> endpoint.accessTokenResponseHandler(
                new SmartTokenResponseHandler(authorizations, launches, properties)))
            // a client may introspect only its own tokens
            .tokenIntrospectionEndpoint(endpoint -> endpoint.authenticationProviders(providers ->
                providers.replaceAll(p -> p instanceof org.springframework.security.oauth2.server.authorization.authentication
                    .OAuth2TokenIntrospectionAuthenticationProvider ? new OwnTokensIntrospection(p) : p))))
        // the token, revocation, introspection, JWKS and discovery endpoints answer browser apps on other origins
        .cors(c -> c.configurationSource(carac.cds.CdsSecurityConfiguration.cors(properties.corsAllowedOrigins(), "/**")))
        .authorizeHttpRequests(requests -> requests.requestMatchers(preflights).permitAll().anyRequest().authenticated())
        // SAS registers its endpoint filter at this offset during build(); ours is registered first, so runs first
        .addFilterBefore(new PatientPickerFilter(),
            org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter.class)
        .addFilterBefore(new SmartScopeFilter(clients),
            org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter.class)
        .addFilterBefore(new PkceVerifierFilter(),
            org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter.class)
        // machine endpoints answer 401 (never a redirect to the sign-in page, whatever the Accept header)
        .exceptionHandling(errors -> errors
            .defaultAuthenticationEntryPointFor((request, response, e) -> {
              response.setStatus(401);
              response.setHeader("WWW-Authenticate", "Basic realm=\"oauth2\"");
              response.setContentType("application/json;charset=UTF-8");
              response.getWriter().write("{\"error\":\"invalid_client\"}");
            }, new org.springframework.security.web.util.matcher.OrRequestMatcher(
                new org.springframework.security.web.util.matcher.AntPathRequestMatcher("/oauth2/token"),
                new org.springframework.security.web.util.matcher.AntPathRequestMatcher("/oauth2/introspect"),
                new org.springframework.security.web.util.matcher.AntPathRequestMatcher("/oauth2/revoke"),
                new org.springframework.security.web.util.matcher.AntPathRequestMatcher("/oauth2/device_authorization")))
            .defaultAuthenticationEntryPointFor(
                new LoginUrlAuthenticationEntryPoint("/login"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
    return http.build();
  }

  /** The FHIR base as the browser sees it; the value {@code aud} must carry. */
  static String fhirBaseOfCurrentRequest() {
    return ServletUriComponentsBuilder.fromCurrentContextPath().path("/fhir").build().toUriString();
  }

  @Bean
  RegisteredClientRepository registeredClients(AuthProperties properties,
      org.springframework.security.crypto.password.PasswordEncoder passwords) {
    List<RegisteredClient> clients = new ArrayList<>();
    for (AuthProperties.Client c : properties.clients()) {
      RegisteredClient.Builder builder = RegisteredClient.withId(UUID.nameUUIDFromBytes(c.clientId().getBytes()).toString())
          .clientId(c.clientId())
          .clientSettings(ClientSettings.builder().requireProofKey(!c.grantTypes().equals(List.of("client_credentials")))
              .requireAuthorizationConsent(false).build())
          .tokenSettings(TokenSettings.builder()
              .accessTokenTimeToLive(properties.accessTokenLifetime())
              .refreshTokenTimeToLive(properties.refreshTokenLifetime())
              .reuseRefreshTokens(false)
              .build());
      if (c.isPublic()) {
        builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
      } else {
        builder.clientSecret(passwords.encode(c.secret()))
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
      }
      c.grantTypes().forEach(g -> builder.authorizationGrantType(new AuthorizationGrantType(g)));
      c.redirectUris().forEach(builder::redirectUri);
      c.scopes().forEach(builder::scope);
      clients.add(builder.build());
    }
    return new InMemoryRegisteredClientRepository(clients);
  }

  /**
   * Authorizations live in memory: a restart ends app sessions (the apps launch again), never data. The
   * store is bounded and purged of authorizations whose every token has expired (it grew ~3 KB per token).
   */
  @Bean
  OAuth2AuthorizationService authorizationService(RegisteredClientRepository clients,
      @Value("${carac.sandbox.auth.max-authorizations:20000}") int maxAuthorizations) {
    return new BoundedAuthorizationService(new InMemoryOAuth2AuthorizationService(), maxAuthorizations,
        java.time.Clock.systemUTC());
  }

  @Bean
  JWKSource<SecurityContext> jwkSource(@Value("${carac.data-dir}") Path dataDir) {
    var key = SigningKey.loadOrCreate(dataDir.resolve("keys/authorization-server.jwk.json"), new RSAKeyGenerator(2048));
    return new ImmutableJWKSet<>(new JWKSet(key));
  }

  @Bean
  JwtEncoder jwtEncoder(JWKSource<SecurityContext> keys) {
    return new NimbusJwtEncoder(keys);
  }

  @Bean
  AuthorizationServerSettings authorizationServerSettings() {
    return AuthorizationServerSettings.builder().build();
  }

  @Bean
  OAuth2TokenGenerator<?> tokenGenerator(JwtEncoder encoder, OAuth2TokenCustomizer<JwtEncodingContext> customizer) {
    JwtGenerator jwt = new JwtGenerator(encoder);
    jwt.setJwtCustomizer(customizer);
    // SMART: a refresh token only for offline_access / online_access, to public clients too (SMART allows it
    // with PKCE; Spring's own generator never gives one to a public client); rotated at every use
    var keys = new org.springframework.security.crypto.keygen.Base64StringKeyGenerator(
        java.util.Base64.getUrlEncoder().withoutPadding(), 96);
    OAuth2TokenGenerator<org.springframework.security.oauth2.core.OAuth2RefreshToken> smartRefresh = context -> {
      if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())
          || !(context.getAuthorizedScopes().contains("offline_access") || context.getAuthorizedScopes().contains("online_access"))) {
        return null;
      }
      java.time.Instant now = java.time.Instant.now();
      return new org.springframework.security.oauth2.core.OAuth2RefreshToken(keys.generateKey(), now,
          now.plus(context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive()));
    };
    return new DelegatingOAuth2TokenGenerator(jwt, smartRefresh);
  }

  /** Puts the launch context and the user's FHIR identity into the access token and the id_token. */
  @Bean
  OAuth2TokenCustomizer<JwtEncodingContext> smartClaims(LaunchContexts launches, AuthProperties properties) {
    return context -> {
      SmartContext smart = SmartContext.of(context.getAuthorization(), launches, properties);
      if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
        context.getClaims().claim("scope", String.join(" ", context.getAuthorizedScopes()));
        if (smart.patientId() != null) {
          context.getClaims().claim("patient", smart.patientId());
        }
        if (smart.fhirUser() != null) {
          context.getClaims().claim("fhirUser", smart.fhirUser());
        }
      } else if ("id_token".equals(context.getTokenType().getValue()) && smart.fhirUser() != null
          && context.getAuthorizedScopes().contains("fhirUser")) {
        context.getClaims().claim("fhirUser", smart.fhirUser());
      }
    };
  }

  static Set<String> scopeSet(String scope) {
    return scope == null || scope.isBlank() ? Set.of() : Set.of(scope.trim().split("\\s+"));
  }
}
