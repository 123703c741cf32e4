package carac.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fetcher against a real HTTP peer on loopback (the JDK's server), answering as a FHIR server would. */
class PatientDataFetcherTest {

  private HttpServer server;
  private String base;
  private final AtomicReference<String> lastAuthorization = new AtomicReference<>();
  private final PatientDataFetcher fetcher = new PatientDataFetcher(
      new FhirFetchSettings(Duration.ofMillis(500), Duration.ofMillis(800), Duration.ofMillis(1500), 5, 4, 0));

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    server.createContext("/fhir/Patient/p1", x -> reply(x, 200, "{\"resourceType\":\"Patient\",\"id\":\"p1\"}"));
    server.createContext("/fhir/Observation", x -> {
      lastAuthorization.set(x.getRequestHeaders().getFirst("Authorization"));
      String q = x.getRequestURI().getRawQuery();
      if (q != null && q.contains("page=2")) {
        reply(x, 200, bundle("o2", null));
      } else {
        reply(x, 200, bundle("o1", base + "/Observation?patient=p1&page=2"));
      }
    });
    server.createContext("/fhir/Condition", x -> reply(x, 200, bundle("c1", "https://elsewhere.example/fhir/Condition?page=2")));
    server.createContext("/fhir/Procedure", x -> reply(x, 401, "{\"resourceType\":\"OperationOutcome\"}"));
    server.createContext("/fhir/MedicationAdministration", x -> reply(x, 403, "{\"resourceType\":\"OperationOutcome\"}"));
    server.createContext("/fhir/Location", x -> {
      lastAuthorization.set("redirect-followed");
      x.getResponseHeaders().set("Location", base + "/Patient/p1");
      x.sendResponseHeaders(302, -1);
      x.close();
    });
    server.createContext("/fhir/Encounter", x -> {
      try {
        Thread.sleep(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reply(x, 200, bundle("e1", null));
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    fetcher.close();
  }

  @Test
  void readsFollowsPagesAndSendsTheToken() {
    var results = fetcher.fetch(base, "tok-123", ordered("patient", "Patient/p1", "obs", "Observation?patient=p1"));
    assertThat(results.get("patient")).isInstanceOfSatisfying(FetchResult.Success.class,
        s -> assertThat(s.resources()).hasSize(1));
    assertThat(results.get("obs")).isInstanceOfSatisfying(FetchResult.Success.class,
        s -> assertThat(s.resources()).extracting(r -> r.getIdElement().getIdPart()).containsExactly("o1", "o2"));
    assertThat(lastAuthorization.get()).isEqualTo("Bearer tok-123");
  }

  @Test
  void mapsRefusalsAndNeverFollowsPagesToAnotherHost() {
    var results = fetcher.fetch(base, "t", ordered("c", "Condition?patient=p1", "p", "Procedure?patient=p1",
        "m", "MedicationAdministration?patient=p1"));
    assertThat(((FetchResult.Failure) results.get("c")).reason()).isEqualTo(FetchResult.Reason.INVALID_RESPONSE);
    assertThat(((FetchResult.Failure) results.get("p")).reason()).isEqualTo(FetchResult.Reason.UNAUTHORIZED);
    assertThat(((FetchResult.Failure) results.get("m")).reason()).isEqualTo(FetchResult.Reason.FORBIDDEN);
  }

  @Test
  void aRedirectIsNeverFollowed() {
    var results = fetcher.fetch(base, "t", ordered("l", "Location?patient=p1"));
    assertThat(results.get("l")).isInstanceOf(FetchResult.Failure.class);
  }

  @Test
  void aSlowServerEndsInsideTheBudget() {
    long start = System.nanoTime();
    var results = fetcher.fetch(base, "t", ordered("e", "Encounter?patient=p1", "patient", "Patient/p1"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(((FetchResult.Failure) results.get("e")).reason()).isEqualTo(FetchResult.Reason.TIMEOUT);
    assertThat(results.get("patient")).isInstanceOf(FetchResult.Success.class);
    assertThat(ms).isLessThan(1500 + 300);
  }

  @Test
  void aServerThatIsDownIsUnreachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    var results = fetcher.fetch("http://127.0.0.1:" + port + "/fhir", "t", ordered("patient", "Patient/p1"));
    assertThat(((FetchResult.Failure) results.get("patient")).reason()).isEqualTo(FetchResult.Reason.UNREACHABLE);
    assertThat(((FetchResult.Failure) results.get("patient")).detail()).doesNotContain("p1");
  }

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String bundle(String obsId, String next) {
    String link = next == null ? "" : ",\"link\":[{\"relation\":\"next\",\"url\":\"" + next + "\"}]";
    return "{\"resourceType\":\"Bundle\",\"type\":\"searchset\"" + link
        + ",\"entry\":[{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"" + obsId + "\",\"status\":\"final\","
        + "\"code\":{\"text\":\"x\"}}}]}";
  }

  private static void reply(com.sun.net.httpserver.HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/fhir+json");
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }
}
