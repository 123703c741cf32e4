package carac.cds;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Security of {@code /cds-services/**}: a signed JWT from a trusted CDS client on every call (discovery
 * too), verified by {@link CdsJwtVerifier} with {@code aud} = the URL called; a bare 401 otherwise (the
 * reason goes to the log). CORS for the configured origins. The local-only switch skips verification for
 * loopback callers and warns loudly at every start.
 */
@Configuration
public class CdsSecurityConfiguration {

  private static final Logger log = LoggerFactory.getLogger(CdsSecurityConfiguration.class);

  private final CdsProperties properties;
  private final ServiceBaseUrl baseUrl;

  CdsSecurityConfiguration(CdsProperties properties, ServiceBaseUrl baseUrl) {
    this.properties = properties;
    this.baseUrl = baseUrl;
  }

  @Bean
  @Order(10)
  public SecurityFilterChain cdsHooksSecurity(HttpSecurity http, CdsJwtVerifier verifier, PhaseTimers timers) throws Exception {
    AuthenticationEntryPoint bare = (request, response, e) -> {
      response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
      response.setHeader("WWW-Authenticate", "Bearer");
    };
    http.securityMatcher("/cds-services/**")
        .csrf(c -> c.disable())
        .cors(c -> c.configurationSource(cors(properties.corsAllowedOrigins(), "/cds-services/**")))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(c -> c.disable())
        .authorizeHttpRequests(a -> a.requestMatchers(HttpMethod.OPTIONS, "/cds-services/**").permitAll()
            .anyRequest().authenticated())
        .oauth2ResourceServer(o -> o.authenticationManagerResolver(resolver(verifier, timers)).authenticationEntryPoint(bare))
        .exceptionHandling(e -> e.authenticationEntryPoint(bare));
    if (properties.security().disableVerificationLocalOnly()) {
      http.addFilterBefore(new LoopbackBypass(), BearerTokenAuthenticationFilter.class);
    }
    return http.build();
  }

  private AuthenticationManagerResolver<HttpServletRequest> resolver(CdsJwtVerifier verifier, PhaseTimers timers) {
    return request -> {
      String audience = audience(request);
      String endpoint = request.getRequestURI().endsWith(PatientViewService.SERVICE_ID) ? PatientViewService.ENDPOINT : "cds-other";
      AuthenticationManager manager = authentication -> {
        String token = ((BearerTokenAuthenticationToken) authentication).getToken();
        long start = System.nanoTime();
        try {
          if (audience == null) {
            throw new CdsJwtVerifier.Rejected("no public base URL yet (carac.cds.public-base-url), so no aud can match");
          }
          var verified = verifier.verify(token, audience);
          Jwt jwt = new Jwt(token, verified.claims().getIssueTime().toInstant(),
              verified.claims().getExpirationTime().toInstant(), verified.header(), verified.claims().toJSONObject());
          return new JwtAuthenticationToken(jwt, AuthorityUtils.createAuthorityList("ROLE_CDS_CLIENT"), verified.subject());
        } catch (CdsJwtVerifier.Rejected e) {
          log.info("CDS client JWT refused: {}", e.getMessage());
          throw new InvalidBearerTokenException("invalid token");
        } finally {
          timers.record(endpoint, "auth", System.nanoTime() - start);
        }
      };
      return manager;
    };
  }

  /** The exact URL called: the configured public base plus the path; never the request's Host (null if no base). */
  String audience(HttpServletRequest request) {
    return baseUrl.get().map(base -> base + request.getRequestURI().substring(request.getContextPath().length()))
        .orElse(null);
  }

  /** CORS for browser clients of the configured origins (preflights carry {@code Authorization}). */
  public static UrlBasedCorsConfigurationSource cors(List<String> origins, String pattern) {
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    if (!origins.isEmpty()) {
      CorsConfiguration config = new CorsConfiguration();
      config.setAllowedOriginPatterns(origins); // exact origins, or patterns such as http://127.0.0.1:[*]
      config.setAllowedMethods(List.of("GET", "POST", "OPTIONS"));
      config.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept"));
      config.setMaxAge(3600L);
      source.registerCorsConfiguration(pattern, config);
    }
    return source;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void warnIfInsecure() {
    if (properties.security().disableVerificationLocalOnly()) {
      String line = "!".repeat(80);
      log.warn("\n{}\n!!! CDS Hooks JWT VERIFICATION IS DISABLED for loopback callers "
          + "(carac.cds.security.disable-verification-local-only=true).\n!!! Never run like this outside a "
          + "developer's machine.\n{}", line, line);
    } else if (properties.security().trustedIssuers().isEmpty()) {
      log.warn("carac.cds.security.trusted-issuers is empty: every CDS Hooks call will get 401");
    }
  }

  /** With the local-only switch on: a loopback caller is let through unverified. */
  private static final class LoopbackBypass extends OncePerRequestFilter {
    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      if (InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress()
          && request.getHeader("Authorization") == null) {
        var auth = new UsernamePasswordAuthenticationToken("insecure-local", null,
            AuthorityUtils.createAuthorityList("ROLE_CDS_CLIENT"));
        SecurityContextHolder.getContext().setAuthentication(auth);
        log.debug("unverified loopback CDS call at {}", Instant.now());
      }
      chain.doFilter(request, response);
    }
  }
}
