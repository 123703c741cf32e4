package carac.app;

import carac.cds.CdsSecurityConfiguration;
import carac.cds.FeedbackStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Security of {@code /api/**}. {@code POST /api/summary} passes the user's SMART token through to the FHIR
 * server, which decides (so it is not decoded here). {@code GET /api/cds-feedback/summary}, for the clinical
 * team, needs a JWT of this application's authorization server with the feedback scope. CORS for the
 * configured origins.
 */
@Configuration
@EnableConfigurationProperties(AppProperties.class)
public class AppSecurityConfiguration {

  static final String FEEDBACK_SUMMARY = "/api/cds-feedback/summary";

  @Bean
  @Order(11)
  public SecurityFilterChain appApiSecurity(HttpSecurity http, AppProperties properties,
      ObjectProvider<JwtDecoder> decoders, @Value("${server.port:8080}") int port) throws Exception {
    DefaultBearerTokenResolver defaultResolver = new DefaultBearerTokenResolver();
    JwtDecoder decoder = decoders.getIfUnique(() -> NimbusJwtDecoder.withJwkSetUri(
        properties.feedbackSummaryJwkSetUri().isBlank()
            ? "http://localhost:" + port + "/oauth2/jwks" : properties.feedbackSummaryJwkSetUri()).build());
    http.securityMatcher("/api/**")
        .csrf(c -> c.disable())
        .cors(c -> c.configurationSource(CdsSecurityConfiguration.cors(properties.corsAllowedOrigins(), "/api/**")))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(c -> c.disable())
        .authorizeHttpRequests(a -> a
            .requestMatchers(HttpMethod.OPTIONS, "/api/**").permitAll()
            .requestMatchers(HttpMethod.POST, "/api/summary").permitAll()
            .requestMatchers(HttpMethod.GET, FEEDBACK_SUMMARY).hasAuthority("SCOPE_" + properties.feedbackSummaryScope())
            .anyRequest().denyAll())
        .oauth2ResourceServer(o -> o
            .bearerTokenResolver(request -> FEEDBACK_SUMMARY.equals(path(request)) ? defaultResolver.resolve(request) : null)
            .jwt(j -> j.decoder(decoder))
            .authenticationEntryPoint((request, response, e) -> {
              response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
              response.setHeader("WWW-Authenticate", "Bearer");
            }));
    return http.build();
  }

  private static String path(HttpServletRequest request) {
    return request.getRequestURI().substring(request.getContextPath().length());
  }


  /** The feedback summary: acceptance and override rates and reasons per rule and ISO week. */
  @RestController
  static class FeedbackSummaryController {
    private final FeedbackStore store;

    FeedbackSummaryController(FeedbackStore store) {
      this.store = store;
    }

    @GetMapping(value = FEEDBACK_SUMMARY, produces = MediaType.APPLICATION_JSON_VALUE)
    public java.util.Map<String, Object> summary() {
      return java.util.Map.of("rulesByWeek", store.summary());
    }
  }
}
