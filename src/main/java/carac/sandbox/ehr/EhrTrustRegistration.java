package carac.sandbox.ehr;

import carac.cds.CdsClientTrust;
import carac.cds.ServiceBaseUrl;
import carac.fhir.FhirServerAllowList;
import java.util.List;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once the web server has its port: the CDS Hooks service of this process trusts the sandbox EHR as a
 * client ({@code iss} = the sandbox base, keys and the only allowed {@code jku} = the EHR's JWKS URL), so
 * the EHR page's hook calls pass the same JWT checks as any EHR's, with no configuration. The sandbox's own
 * FHIR base joins the FHIR-server allow-list and, when {@code carac.cds.public-base-url} is empty, its base
 * becomes the service's (the JWT {@code aud}): both from configuration and the listening port, never from a
 * request.
 */
@Component
class EhrTrustRegistration {

  private final CdsClientTrust trust;
  private final EhrEndpoints endpoints;
  private final FhirServerAllowList allowList;
  private final ServiceBaseUrl serviceBase;

  EhrTrustRegistration(CdsClientTrust trust, EhrEndpoints endpoints, FhirServerAllowList allowList, ServiceBaseUrl serviceBase) {
    this.trust = trust;
    this.endpoints = endpoints;
    this.allowList = allowList;
    this.serviceBase = serviceBase;
  }

  @EventListener
  public void onWebServer(WebServerInitializedEvent event) {
    String namespace = event.getApplicationContext().getServerNamespace();
    if (namespace != null && !namespace.isEmpty()) {
      return; // the management server, if it runs on its own port
    }
    endpoints.serverStarted(event.getWebServer().getPort());
    allowList.add(endpoints.fhirBase());
    if (endpoints.fhirBase().startsWith("http://localhost:")) {
      // no public URL configured: the same server by its loopback address (the app's 127.0.0.1 redirect URIs)
      allowList.add(endpoints.fhirBase().replace("http://localhost:", "http://127.0.0.1:"));
    }
    serviceBase.useSandboxBase(endpoints.base());
    trust.trust(endpoints.issuer(), endpoints.jwksUrl(), List.of(endpoints.jwksUrl()));
  }
}
