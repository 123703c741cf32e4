package carac.sandbox.auth;

import ca.uhn.fhir.rest.server.RestfulServer;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Duration;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/**
 * The sandbox's two other security chains: {@code /fhir/**} as an OAuth2 resource server (every request
 * but the CapabilityStatement and the SMART configuration needs a valid, unrevoked token; the token's
 * scopes then become HAPI authorization rules), and the default chain for the sandbox's pages with a
 * form sign-in for the sandbox users.
 */
@Configuration
public class SandboxSecurityConfig {

  @Bean
  @Order(5)
  SecurityFilterChain fhirChain(HttpSecurity http, JwtDecoder decoder, AuthProperties properties) throws Exception {
    // path matchers on the whole request path: /fhir is HAPI's servlet, not Spring MVC's
    var paths = PathPatternRequestMatcher.withDefaults();
    http.securityMatcher(paths.matcher("/fhir/**"))
        // a browser SMART app on another origin reads the SMART configuration and the FHIR API
        // ("/**": this chain already matched /fhir/**, and HAPI's servlet path hides the /fhir prefix from the lookup)
        .cors(c -> c.configurationSource(carac.cds.CdsSecurityConfiguration.cors(properties.corsAllowedOrigins(), "/**")))
        .authorizeHttpRequests(requests -> requests
            .requestMatchers(paths.matcher(HttpMethod.GET, "/fhir/metadata"),
                paths.matcher(HttpMethod.GET, "/fhir/.well-known/smart-configuration")).permitAll()
            .requestMatchers(paths.matcher(HttpMethod.OPTIONS, "/fhir/**")).permitAll()
            .anyRequest().authenticated())
        .oauth2ResourceServer(rs -> rs
            .jwt(jwt -> jwt.decoder(decoder))
            .authenticationEntryPoint(OperationOutcomeErrors.unauthorized())
            .accessDeniedHandler(OperationOutcomeErrors.forbidden()))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable()) // bearer tokens only, no cookies
        .exceptionHandling(e -> e.authenticationEntryPoint(OperationOutcomeErrors.unauthorized()));
    return http.build();
  }

  @Bean
  @Order(100)
  SecurityFilterChain sandboxPagesChain(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(requests -> requests
            .requestMatchers("/", "/index.html", "/login", "/error", "/favicon.ico", "/sandbox/sandbox.css",
                "/app/**", "/actuator/health", "/.well-known/**",
                // the EHR page's static scripts and the public JWKS of its CDS Hooks client key
                "/sandbox/ehr/**", "/sandbox/.well-known/**")
            .permitAll()
            .anyRequest().authenticated())
        .formLogin(form -> form.defaultSuccessUrl("/", false))
        // the EHR page shows the SMART app (and its sign-in / patient picker) in a same-origin side-panel iframe
        .headers(headers -> headers.frameOptions(frame -> frame.sameOrigin()))
        // the launch API takes JSON only (no cross-site form can send it), from a signed-in session
        .csrf(csrf -> csrf.ignoringRequestMatchers(new AntPathRequestMatcher("/sandbox/launch", "POST")));
    return http.build();
  }

  /** Verifies signature and expiry (no clock skew), then asks the authorization server whether the token is still active (not revoked). */
  @Bean
  JwtDecoder jwtDecoder(JWKSource<SecurityContext> keys, OAuth2AuthorizationService authorizations) {
    NimbusJwtDecoder signed = (NimbusJwtDecoder) OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
    signed.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(Duration.ZERO)));
    return token -> {
      var jwt = signed.decode(token);
      OAuth2Authorization authorization = authorizations.findByToken(token, OAuth2TokenType.ACCESS_TOKEN);
      if (authorization == null || authorization.getAccessToken() == null || !authorization.getAccessToken().isActive()) {
        throw new BadJwtException("token is not active");
      }
      return jwt;
    };
  }

  /**
   * BCrypt at its lowest work factor (4; Spring's default is 10). The sandbox's users and client secrets come from
   * its own configuration, so the work factor guards nothing a reader of that file could not see, while at 10
   * their hashes took 1.5-2 s of every start (11 % of the main thread in a warm restart's profile). Still BCrypt:
   * nothing is kept in plain text, and a {@code {noop}} password is refused.
   */
  @Bean
  PasswordEncoder passwordEncoder() {
    return new DelegatingPasswordEncoder("bcrypt", Map.of("bcrypt", new BCryptPasswordEncoder(4)));
  }

  @Bean
  UserDetailsService sandboxUsers(AuthProperties properties, PasswordEncoder passwords) {
    var manager = new InMemoryUserDetailsManager();
    properties.users().forEach(u ->
        manager.createUser(User.withUsername(u.username()).password(passwords.encode(u.password())).roles("CLINICIAN").build()));
    return manager;
  }

  @Bean
  SmartAuthorizationInterceptor smartAuthorizationInterceptor(RestfulServer fhirServer) {
    var interceptor = new SmartAuthorizationInterceptor();
    fhirServer.registerInterceptor(interceptor);
    return interceptor;
  }

  @Bean
  SmartCapabilityInterceptor smartCapabilityInterceptor(RestfulServer fhirServer) {
    var interceptor = new SmartCapabilityInterceptor();
    fhirServer.registerInterceptor(interceptor);
    return interceptor;
  }

  @Bean
  FilterRegistrationBean<SmartConfigurationFilter> smartConfiguration(AuthProperties properties) {
    var registration = new FilterRegistrationBean<>(new SmartConfigurationFilter());
    registration.addUrlPatterns("/fhir/.well-known/smart-configuration");
    return registration;
  }
}
