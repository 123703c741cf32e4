package carac.ops;

import carac.cds.CdsProperties;
import carac.fhir.FhirServerAllowList;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Service mode ({@code carac.mode=service}): what a hospital deploys beside its EHR. It refuses to start
 * without the settings that outside the sandbox cannot be guessed: the public base URL (the JWT
 * {@code aud}) and the FHIR-server allow-list (where tokens may go). The last security chain serves the
 * SMART app's static files and refuses everything that no other chain took.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = ModeEnvironmentPostProcessor.MODE, havingValue = "service")
public class ServiceModeConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ServiceModeConfiguration.class);

  ServiceModeConfiguration(CdsProperties cds, FhirServerAllowList allowList) {
    List<String> missing = new ArrayList<>();
    if (cds.publicBaseUrl().isBlank()) {
      missing.add("carac.cds.public-base-url (the URL EHRs call this service at, e.g. https://carac.hospital.org; "
          + "the CDS client's JWT aud must be it plus the path)");
    }
    if (allowList.isEmpty()) {
      missing.add("carac.cds.allowed-fhir-servers (the EHR's FHIR base URLs, e.g. https://ehr.hospital.org/fhir/r4; "
          + "tokens are sent nowhere else)");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("carac.mode=service needs " + String.join(" and ", missing));
    }
    log.info("CARAC Watch service mode: public base {}, FHIR servers {}", cds.publicBaseUrl(), allowList.bases());
  }

  @Bean
  @Order(SecurityProperties.BASIC_AUTH_ORDER) // where Spring Boot puts its own catch-all chain: after every other
  SecurityFilterChain serviceDefaultChain(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(a -> a
            .requestMatchers("/app/**", "/error", "/favicon.ico").permitAll()
            .anyRequest().denyAll())
        .csrf(c -> c.disable())
        .requestCache(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) -> response.sendError(404)));
    return http.build();
  }
}
