package carac.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import carac.smart.AccessTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one Spring context every CDS/app integration test shares (same properties, no mocks, no dirtying):
 * the whole application with the sandbox's HAPI JPA server, the stories loaded with their as-of day moved
 * to the pinned "today", and a test EHR whose ES384 key the service trusts. Calls go over real HTTP.
 */
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "carac.data-dir=./target/it-data",
    "carac.sandbox.fixed-instant=2025-06-01T10:00:00Z",
    "carac.cds.time-zone=Asia/Shanghai",
    "carac.cds.fetch.connect-timeout=PT1S",
    "carac.cds.fetch.read-timeout=PT2S",
    "carac.cds.fetch.total-budget=PT3S",
    "carac.cds.cors-allowed-origins[0]=https://ehr.carac.example",
    "carac.app.cors-allowed-origins[0]=https://ehr.carac.example",
    // a SMART app served from another loopback port (BrowserIT's cross-origin standalone launch)
    "carac.app.cors-allowed-origins[1]=http://127.0.0.1:[*]",
    "carac.sandbox.auth.cors-allowed-origins[0]=http://127.0.0.1:[*]",
    "management.endpoints.web.exposure.include=health,prometheus"})
public abstract class CdsItSupport {

  /** Tokens live in real time (the pinned instant moves only clinical "now"); an hour outlives any test run. */
  protected static final Duration LONG_LIFE = Duration.ofHours(1);
  protected static final String SERVICE_PATH = "/cds-services/carac-patient-view";
  protected static final ObjectMapper JSON = new ObjectMapper();
  protected static final FhirContext FHIR = FhirContext.forR4();
  protected static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @DynamicPropertySource
  static void trustTheTestEhr(DynamicPropertyRegistry registry) {
    var issuer = TestEhrKeys.trustedIssuer();
    registry.add("carac.cds.security.trusted-issuers[0].issuer", issuer::issuer);
    registry.add("carac.cds.security.trusted-issuers[0].jwks-file", issuer::jwksFile);
    // the EHR page calls a second, third-party CDS service too (BrowserIT)
    registry.add("carac.sandbox.ehr.cds-services[0]", carac.sandbox.ThirdPartyCdsService::discoveryUrl);
  }

  @LocalServerPort protected int port;
  @Autowired protected AccessTokens accessTokens;
  @Autowired protected PrefetchTemplates templates;

  protected String base() {
    return "http://localhost:" + port;
  }

  protected String fhirBase() {
    return base() + "/fhir";
  }

  protected String ehrToken(String patientId) {
    return accessTokens.issue("sandbox-ehr", "patient/*.rs", patientId, LONG_LIFE).accessToken();
  }

  protected static String patientOf(String story) {
    return story + "-patient";
  }

  protected ObjectNode hookBody(String patientId, boolean withFhirServer, Map<String, JsonNode> prefetch) {
    ObjectNode body = JSON.createObjectNode();
    body.put("hook", "patient-view");
    body.put("hookInstance", UUID.randomUUID().toString());
    body.putObject("context").put("userId", "Practitioner/sandbox-clinician").put("patientId", patientId);
    if (withFhirServer) {
      body.put("fhirServer", fhirBase());
      body.putObject("fhirAuthorization").put("access_token", ehrToken(patientId)).put("token_type", "Bearer")
          .put("expires_in", 600).put("scope", "patient/*.rs").put("subject", "sandbox-ehr");
    }
    if (prefetch != null && !prefetch.isEmpty()) {
      ObjectNode p = body.putObject("prefetch");
      prefetch.forEach(p::set);
    }
    return body;
  }

  protected HttpResponse<String> post(String path, String jwt, String contentType, String body) throws Exception {
    var builder = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
    if (jwt != null) {
      builder.header("Authorization", "Bearer " + jwt);
    }
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  protected HttpResponse<String> callService(ObjectNode body) throws Exception {
    return post(SERVICE_PATH, TestEhrKeys.token(base() + SERVICE_PATH), "application/json", body.toString());
  }

  /** The prefetch as an EHR would run it: every template against the sandbox FHIR server, all pages merged. */
  protected Map<String, JsonNode> prefetchFromServer(String patientId) throws Exception {
    IGenericClient client = FHIR.newRestfulGenericClient(fhirBase());
    client.registerInterceptor(new BearerTokenAuthInterceptor(ehrToken(patientId)));
    LocalDate today = OffsetDateTime.parse("2025-06-01T10:00:00Z").atZoneSameInstant(ZoneId.of("Asia/Shanghai")).toLocalDate();
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (var e : templates.templates().entrySet()) {
      String query = PrefetchTemplates.resolve(e.getValue(), Map.of("patientId", patientId), today);
      Resource result;
      if (e.getKey().equals("patient")) {
        result = (Resource) client.read().resource("Patient").withId(patientId).execute();
      } else {
        Bundle page = client.search().byUrl(query).returnBundle(Bundle.class).execute();
        Bundle all = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        while (true) {
          page.getEntry().forEach(all::addEntry);
          if (page.getLink(Bundle.LINK_NEXT) == null) {
            break;
          }
          page = client.loadPage().next(page).execute();
        }
        all.setTotal(all.getEntry().size());
        result = all;
      }
      out.put(e.getKey(), JSON.readTree(FHIR.newJsonParser().encodeResourceToString(result)));
    }
    return out;
  }
}
