package carac.ops;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * {@code carac.mode}: {@code sandbox} (default) or {@code service}. In service mode Spring Boot's own
 * auto-configurations for what only the sandbox uses (the JPA data source of the HAPI server, its
 * Hibernate, the authorization server, in-memory users) are switched off as well, so the process opens no
 * database but the feedback store and keeps no user. Any other value stops the start with a clear line.
 */
public class ModeEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

  public static final String MODE = "carac.mode";

  static final List<String> SANDBOX_ONLY_AUTOCONFIGURATIONS = List.of(
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
      "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration",
      "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration",
      "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration",
      "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
      "org.springframework.boot.autoconfigure.h2.H2ConsoleAutoConfiguration",
      "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
      "org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerAutoConfiguration",
      "org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerJwtAutoConfiguration");

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    String mode = environment.getProperty(MODE, "sandbox").strip();
    if (mode.equals("sandbox")) {
      return;
    }
    if (!mode.equals("service")) {
      throw new IllegalStateException(MODE + " must be 'sandbox' (the default) or 'service', not '" + mode + "'");
    }
    Set<String> excluded = new LinkedHashSet<>(
        StringUtils.commaDelimitedListToSet(environment.getProperty("spring.autoconfigure.exclude", "")));
    excluded.addAll(SANDBOX_ONLY_AUTOCONFIGURATIONS);
    environment.getPropertySources().addFirst(new MapPropertySource("carac-service-mode",
        Map.of("spring.autoconfigure.exclude", String.join(",", excluded))));
  }

  /** After the configuration files are read, so {@code carac.mode} may be set in any of them. */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
