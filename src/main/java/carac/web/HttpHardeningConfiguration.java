package carac.web;

import java.time.Duration;
import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Wires the HTTP hardening: Tomcat's error pages as OperationOutcomes, the request-shape filter (one
 * Authorization header, body read deadline) first of all filters, and the rate limits on the sign-in and
 * token endpoints. Connection and header limits are Tomcat settings in {@code application.yaml}.
 */
@Configuration
public class HttpHardeningConfiguration {

  /** Replaces every ErrorReportValve of the host (Boot adds one) by the JSON one. */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorPages() {
    return new WebServerFactoryCustomizer<>() {
      @Override
      public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
          Container parent = context.getParent();
          if (parent instanceof StandardHost host) {
            host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
          }
          for (Valve valve : parent.getPipeline().getValves()) {
            if (valve instanceof ErrorReportValve && !(valve instanceof JsonErrorReportValve)) {
              parent.getPipeline().removeValve(valve);
            }
          }
          boolean present = false;
          for (Valve valve : parent.getPipeline().getValves()) {
            present |= valve instanceof JsonErrorReportValve;
          }
          if (!present) {
            parent.getPipeline().addValve(new JsonErrorReportValve());
          }
        });
      }
    };
  }

  @Bean
  FilterRegistrationBean<RequestShapeFilter> requestShapeFilter(
      @Value("${carac.http.body-read-deadline:PT10S}") Duration bodyDeadline) {
    var registration = new FilterRegistrationBean<>(new RequestShapeFilter(bodyDeadline));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    registration.addUrlPatterns("/*");
    return registration;
  }

  @Bean
  FilterRegistrationBean<AuthRateLimitFilter> authRateLimitFilter(
      @Value("${carac.http.auth-rate-per-minute:600}") int perMinute,
      @Value("${carac.http.sign-in-failures-before-lockout:10}") int failures,
      @Value("${carac.http.lockout:PT15M}") Duration lockout) {
    var registration = new FilterRegistrationBean<>(new AuthRateLimitFilter(perMinute, failures, lockout));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    registration.addUrlPatterns("/*");
    return registration;
  }
}
