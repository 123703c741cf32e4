package carac.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import carac.CaracWatchApplication;
import carac.cds.CdsItSupport;
import carac.cds.TestEhrKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Service mode as a hospital runs it: a second application in this JVM with {@code carac.mode=service},
 * whose EHR is the sandbox of the shared IT context (an external FHIR server and CDS client to it). It
 * must hold no sandbox bean, answer the hook and the app's backend with the sandbox's data, and serve
 * probes and metrics on its management port.
 */
class ServiceModeIT extends CdsItSupport {

  private static final String STORY = "tc-02-crs-dic-tocilizumab";
  private static final String CLIENT_ID = "ehr-registered-carac-42";
  private static ConfigurableApplicationContext service;
  private static int servicePort;

  @Value("${local.management.port}") int sandboxManagementPort;
  @Autowired ApplicationContext sandboxContext;

  @BeforeEach
  void startTheServiceOnce() throws Exception {
    if (service == null) {
      servicePort = freePort();
      service = start(servicePort, Map.of(
          "carac.cds.public-base-url", serviceBase(),
          "carac.cds.allowed-fhir-servers[0]", fhirBase()));
    }
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static ConfigurableApplicationContext start(int port, Map<String, Object> extra) {
    var issuer = TestEhrKeys.trustedIssuer();
    var properties = new java.util.HashMap<String, Object>(Map.ofEntries(
        Map.entry("carac.mode", "service"),
        Map.entry("server.port", port),
        Map.entry("management.server.port", 0),
        Map.entry("carac.data-dir", "./target/it-service-data"),
        Map.entry("carac.cds.time-zone", "Asia/Shanghai"),
        // generous: this checks what the service answers, not how fast (the CI machine is shared)
        Map.entry("carac.cds.fetch.read-timeout", "PT30S"),
        Map.entry("carac.cds.fetch.total-budget", "PT60S"),
        Map.entry("carac.app.client-id", CLIENT_ID),
        Map.entry("carac.cds.security.trusted-issuers[0].issuer", issuer.issuer()),
        Map.entry("carac.cds.security.trusted-issuers[0].jwks-file", issuer.jwksFile())));
    properties.putAll(extra);
    // the sandbox's stories are pinned at this instant; the service evaluates at the same one
    Clock pinned = Clock.fixed(Instant.parse("2025-06-01T10:00:00Z"), ZoneId.of("Asia/Shanghai"));
    // as command-line arguments: they outrank application.yaml (builder "properties" would not)
    String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    return new SpringApplicationBuilder(CaracWatchApplication.class)
        .initializers(c -> ((GenericApplicationContext) c).registerBean(Clock.class, () -> pinned))
        .run(args);
  }

  private static String serviceBase() {
    return "http://localhost:" + servicePort;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void noSandboxBeanExists() {
    List<String> sandboxBeans = new ArrayList<>();
    for (String name : service.getBeanDefinitionNames()) {
      Class<?> type = service.getType(name);
      if (type != null && type.getName().startsWith("carac.sandbox")) {
        sandboxBeans.add(name + " (" + type.getName() + ")");
      }
    }
    assertThat(sandboxBeans).isEmpty();
    assertThat(service.getBeanNamesForType(ca.uhn.fhir.rest.server.RestfulServer.class)).isEmpty();
    assertThat(service.getBeanNamesForType(RegisteredClientRepository.class)).isEmpty();
    assertThat(service.getBeanNamesForType(UserDetailsService.class)).isEmpty();
    assertThat(service.getBeanNamesForType(DataSource.class)).isEmpty();
    assertThat(service.getBeanNamesForType(jakarta.persistence.EntityManagerFactory.class)).isEmpty();
    // and the sandbox (the control) has them, so the check can fail
    assertThat(Arrays.stream(sandboxContext.getBeanDefinitionNames())
        .map(sandboxContext::getType).filter(t -> t != null && t.getName().startsWith("carac.sandbox"))).isNotEmpty();
  }

  @Test
  void answersTheHookWithTheSameCardsAsTheSandboxsOwnService() throws Exception {
    ObjectNode body = hookBody(patientOf(STORY), true, Map.of());
    HttpResponse<String> viaService = send(serviceBase() + SERVICE_PATH, TestEhrKeys.token(serviceBase() + SERVICE_PATH),
        body.put("hookInstance", java.util.UUID.randomUUID().toString()).toString());
    assertThat(viaService.statusCode()).as(viaService.body()).isEqualTo(200);
    HttpResponse<String> viaSandbox = callService(body.put("hookInstance", java.util.UUID.randomUUID().toString()));
    assertThat(viaSandbox.statusCode()).as(viaSandbox.body()).isEqualTo(200);
    assertThat(summaries(viaService.body())).isNotEmpty().isEqualTo(summaries(viaSandbox.body()));
    assertThat(viaService.body()).contains(serviceBase() + "/app/launch.html").doesNotContain(base() + "/app/");
  }

  @Test
  void refusesAHookWhoseAudIsTheSandboxNotTheService() throws Exception {
    HttpResponse<String> r = send(serviceBase() + SERVICE_PATH, TestEhrKeys.token(base() + SERVICE_PATH),
        hookBody(patientOf(STORY), true, Map.of()).toString());
    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void servesTheAppsBackendAgainstTheExternalFhirServer() throws Exception {
    String patient = patientOf(STORY);
    String token = accessTokens.issue("clinician", "patient/*.rs", patient, LONG_LIFE).accessToken();
    String body = "{\"fhirServer\":\"" + fhirBase() + "\",\"patient\":\"" + patient + "\"}";
    HttpResponse<String> ok = send(serviceBase() + "/api/summary", token, body);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(JSON.readTree(ok.body()).get("cards")).isNotEmpty();
    String elsewhere = "{\"fhirServer\":\"" + serviceBase() + "/fhir\",\"patient\":\"" + patient + "\"}";
    assertThat(send(serviceBase() + "/api/summary", token, elsewhere).statusCode()).isEqualTo(403);
  }

  @Test
  void launchesWithTheConfiguredClientIdAndHasNoSandboxPages() throws Exception {
    HttpResponse<String> launch = get(serviceBase() + "/app/launch.html");
    if (getClass().getResource("/static/app/launch.html") != null) {
      assertThat(launch.statusCode()).isEqualTo(200);
      assertThat(launch.body()).contains("<meta name=\"carac-client-id\" content=\"" + CLIENT_ID + "\" />");
    } else {
      assertThat(launch.statusCode()).isEqualTo(404); // -Dskip.frontend without an earlier build
    }
    for (String path : List.of("/", "/login", "/fhir/metadata", "/oauth2/jwks", "/sandbox/api/stories",
        "/.well-known/openid-configuration", "/actuator/health")) {
      assertThat(get(serviceBase() + path).statusCode()).as(path).isIn(401, 403, 404);
    }
  }

  @Test
  void probesAndMetricsAreOnTheManagementPortWithoutLogin() throws Exception {
    int management = Integer.parseInt(service.getEnvironment().getProperty("local.management.port"));
    assertThat(management).isNotEqualTo(servicePort);
    for (int port : List.of(management, sandboxManagementPort)) {
      for (String path : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
        HttpResponse<String> r = get("http://localhost:" + port + path);
        assertThat(r.statusCode()).as(port + path).isEqualTo(200);
        assertThat(r.body()).contains("\"UP\"");
      }
      HttpResponse<String> metrics = get("http://localhost:" + port + "/actuator/prometheus");
      assertThat(metrics.statusCode()).as(port + " prometheus").isEqualTo(200);
      assertThat(metrics.body()).contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void refusesToStartWithoutItsRequiredSettings() {
    assertThatThrownBy(() -> start(0, Map.of()))
        .hasStackTraceContaining("carac.mode=service needs carac.cds.public-base-url")
        .hasStackTraceContaining("and carac.cds.allowed-fhir-servers");
    assertThatThrownBy(() -> start(0, Map.of("carac.mode", "production")))
        .hasStackTraceContaining("carac.mode must be 'sandbox' (the default) or 'service', not 'production'");
  }

  private static TreeSet<String> summaries(String cdsResponse) throws Exception {
    TreeSet<String> out = new TreeSet<>();
    for (JsonNode card : JSON.readTree(cdsResponse).path("cards")) {
      out.add(card.path("indicator").asText() + " " + card.path("summary").asText());
    }
    return out;
  }

  private static HttpResponse<String> send(String url, String bearer, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + bearer)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
