package carac.sandbox.ehr;

import carac.cds.CdsClientTrust;
import java.util.List;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once the web server has its port: the CDS Hooks service of this process trusts the sandbox EHR as a
 * client ({@code iss} = the sandbox base, keys and the only allowed {@code jku} = the EHR's JWKS URL), so
 * the EHR page's hook calls pass the same JWT checks as any EHR's, with no configuration.
 */
@Component
class EhrTrustRegistration {

  private final CdsClientTrust trust;
  private final EhrEndpoints endpoints;

  EhrTrustRegistration(CdsClientTrust trust, EhrEndpoints endpoints) {
    this.trust = trust;
    this.endpoints = endpoints;
  }

  @EventListener
  public void onWebServer(WebServerInitializedEvent event) {
    String namespace = event.getApplicationContext().getServerNamespace();
    if (namespace != null && !namespace.isEmpty()) {
      return; // the management server, if it runs on its own port
    }
    endpoints.serverStarted(event.getWebServer().getPort());
    trust.trust(endpoints.issuer(), endpoints.jwksUrl(), List.of(endpoints.jwksUrl()));
  }
}
