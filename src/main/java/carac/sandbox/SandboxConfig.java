package carac.sandbox;

import java.time.Clock;
import java.time.ZoneId;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The sandbox's clock: the system clock, or a pinned instant so that tests and demos repeat. */
@Configuration
@EnableConfigurationProperties(SandboxProperties.class)
public class SandboxConfig {

  @Bean
  public Clock clock(SandboxProperties properties) {
    return properties.fixedInstant() == null
        ? Clock.systemDefaultZone()
        : Clock.fixed(properties.fixedInstant(), ZoneId.systemDefault());
  }
}
