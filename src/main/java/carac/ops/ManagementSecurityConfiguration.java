package carac.ops;

import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Health probes and Prometheus for the orchestrator, ahead of every login chain. With
 * {@code management.server.port} set apart (the default, 8081) the matcher takes only requests on that
 * port, which is kept off the ingress; only {@code health} and {@code prometheus} are exposed.
 */
@Configuration(proxyBeanMethods = false)
public class ManagementSecurityConfiguration {

  @Bean
  @Order(0)
  SecurityFilterChain managementChain(HttpSecurity http) throws Exception {
    http.securityMatcher(EndpointRequest.toAnyEndpoint())
        .authorizeHttpRequests(a -> a.anyRequest().permitAll())
        .csrf(c -> c.disable())
        .requestCache(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    return http.build();
  }
}
