package carac.cds;

import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The service's public base URL: the JWT {@code aud} of every CDS call is this plus the path called, and
 * discovery and card links start with it. It is {@code carac.cds.public-base-url} (required outside the
 * sandbox); the sandbox, when that is empty, gives its own configured base once its server listens. It is
 * never taken from a request's {@code Host}, which the caller writes.
 */
@Component
public class ServiceBaseUrl {

  private final String configured;
  private volatile String sandboxBase;

  ServiceBaseUrl(CdsProperties properties) {
    this.configured = properties.publicBaseUrl();
  }

  /** Called by the sandbox with its own base (configured public URL or {@code http://localhost:<port>}). */
  public void useSandboxBase(String base) {
    this.sandboxBase = CdsProperties.stripSlash(base);
  }

  /** The base without a trailing slash; empty before the sandbox has given one (then every JWT is refused). */
  public Optional<String> get() {
    if (!configured.isBlank()) {
      return Optional.of(configured);
    }
    return Optional.ofNullable(sandboxBase);
  }
}
