package carac.sandbox.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Launch contexts that the sandbox EHR (or the standalone patient picker) stored before sending the app to
 * the authorization server: the opaque {@code launch} value resolves to the patient, encounter, user and
 * the CDS Hooks {@code appContext}. Kept for the lifetime of a session so refreshes keep their context.
 */
@Component
public class LaunchContexts {

  /** What a launch stands for. */
  public record Launch(String patientId, String encounterId, String fhirUser, String appContext,
      boolean needPatientBanner, Instant expires) {}

  private final Map<String, Launch> launches = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final AuthProperties properties;

  public LaunchContexts(Clock clock, AuthProperties properties) {
    this.clock = clock;
    this.properties = properties;
  }

  public String create(String patientId, String encounterId, String fhirUser, String appContext,
      boolean needPatientBanner) {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant now = clock.instant();
    launches.values().removeIf(l -> l.expires().isBefore(now));
    launches.put(id, new Launch(patientId, encounterId, fhirUser, appContext, needPatientBanner,
        now.plus(properties.launchLifetime())));
    return id;
  }

  public Optional<Launch> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Launch launch = launches.get(id);
    return launch == null || launch.expires().isBefore(clock.instant()) ? Optional.empty() : Optional.of(launch);
  }
}
