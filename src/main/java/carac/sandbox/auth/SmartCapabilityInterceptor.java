package carac.sandbox.auth;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * Announces SMART in the CapabilityStatement ({@code GET /fhir/metadata}): {@code rest.security} with the
 * SMART-on-FHIR service coding and the {@code oauth-uris} extension (authorize, token, revoke, introspect),
 * for clients that still discover the endpoints this way instead of {@code .well-known/smart-configuration}.
 */
final class SmartCapabilityInterceptor {

  static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void addSmartSecurity(IBaseConformance conformance, RequestDetails request) {
    if (!(conformance instanceof CapabilityStatement statement) || statement.getRest().isEmpty()) {
      return;
    }
    String fhirBase = request.getFhirServerBase();
    String base = fhirBase.endsWith("/fhir") ? fhirBase.substring(0, fhirBase.length() - "/fhir".length()) : fhirBase;
    Extension uris = new Extension(OAUTH_URIS);
    uris.addExtension("authorize", new UriType(base + "/oauth2/authorize"));
    uris.addExtension("token", new UriType(base + "/oauth2/token"));
    uris.addExtension("revoke", new UriType(base + "/oauth2/revoke"));
    uris.addExtension("introspect", new UriType(base + "/oauth2/introspect"));
    var security = statement.getRestFirstRep().getSecurity();
    security.setCors(true);
    security.getService().clear();
    security.addService(new CodeableConcept(new Coding(
        "http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")));
    security.getExtension().removeIf(e -> OAUTH_URIS.equals(e.getUrl()));
    security.addExtension(uris);
    security.setDescription("SMART App Launch 2.2; see " + fhirBase + "/.well-known/smart-configuration");
  }
}
