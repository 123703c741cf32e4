package carac.sandbox.ehr;

import carac.cds.CdsProperties;
import carac.sandbox.SandboxProperties;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The URLs the sandbox EHR uses on the server side: its own base (the {@code iss} of its JWTs), its JWKS,
 * its FHIR base (the hook's {@code fhirServer}) and the CDS service's base. The base is
 * {@code carac.sandbox.public-base-url} when set, else {@code http://localhost:<port>}: a fixed value, never
 * taken from a browser request, so the issuer the CDS service trusts is always the one that signs.
 */
@Component
public class EhrEndpoints {

  private final SandboxProperties sandbox;
  private final CdsProperties cds;
  private final Environment environment;
  private volatile int port = -1;

  public EhrEndpoints(SandboxProperties sandbox, CdsProperties cds, Environment environment) {
    this.sandbox = sandbox;
    this.cds = cds;
    this.environment = environment;
  }

  /** The sandbox's base URL without a trailing slash. */
  public String base() {
    String configured = sandbox.publicBaseUrl();
    if (configured != null && !configured.isBlank()) {
      return configured.strip().replaceAll("/+$", "");
    }
    int p = port > 0 ? port : Integer.parseInt(
        environment.getProperty("local.server.port", environment.getProperty("server.port", "8080")));
    return "http://localhost:" + p;
  }

  /** The port the web server listens on, once it does. */
  void serverStarted(int listening) {
    this.port = listening;
  }

  public String issuer() {
    return base();
  }

  public String jwksUrl() {
    return base() + EhrSigningKey.JWKS_PATH;
  }

  public String fhirBase() {
    return base() + "/fhir";
  }

  /**
   * The discovery URLs of the CDS services this EHR calls, as an EHR registers them: CARAC Watch's own first,
   * then {@code carac.sandbox.ehr.cds-services} (other services, e.g. a third party's). Only these ever get
   * the EHR's signed JWT and a patient token; the browser never names a URL.
   */
  public java.util.List<String> discoveryUrls() {
    java.util.List<String> urls = new java.util.ArrayList<>();
    urls.add(cdsBase() + "/cds-services");
    org.springframework.boot.context.properties.bind.Binder.get(environment)
        .bind("carac.sandbox.ehr.cds-services", org.springframework.boot.context.properties.bind.Bindable.listOf(String.class))
        .orElse(java.util.List.of()).stream().map(u -> u.strip().replaceAll("/+$", "")).filter(u -> !u.isEmpty())
        .filter(u -> !urls.contains(u)).forEach(urls::add);
    return urls;
  }

  /** The CDS service's base (its discovery is at {@code /cds-services} below it). */
  public String cdsBase() {
    return cds.publicBaseUrl().isBlank() ? base() : cds.publicBaseUrl();
  }
}
