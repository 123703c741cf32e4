package carac.ops;

import static org.assertj.core.api.Assertions.assertThat;

import carac.cds.CdsItSupport;
import carac.cds.TestEhrKeys;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A caller forges {@code Host} so that "this server's own FHIR base" or "this service's URL" would point at
 * a server it controls. The token must never arrive there: the allow-list and the JWT {@code aud} come from
 * configuration only. The requests are written on a raw socket (Java's HTTP client will not forge Host).
 */
class ForgedHostIT extends CdsItSupport {

  private HttpServer attacker;
  private final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startTheAttackersServer() throws Exception {
    attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    attacker.createContext("/", exchange -> {
      received.add(exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    attacker.start();
  }

  @AfterEach
  void stopIt() {
    attacker.stop(0);
  }

  private String attackerHost() {
    return "127.0.0.1:" + attacker.getAddress().getPort();
  }

  @Test
  void theAppsBackendNeverSendsTheTokenToTheForgedHost() throws Exception {
    String patient = patientOf("tc-02-crs-dic-tocilizumab");
    String token = accessTokens.issue("clinician", "patient/*.rs", patient, LONG_LIFE).accessToken();
    for (String fhirServer : List.of("http://" + attackerHost() + "/fhir", "http://localhost:" + attacker.getAddress().getPort() + "/fhir")) {
      String body = "{\"fhirServer\":\"" + fhirServer + "\",\"patient\":\"" + patient + "\"}";
      String status = raw("POST", "/api/summary", attackerHost(), token, body);
      assertThat(status).as(fhirServer).contains(" 403 ");
    }
    assertThat(received).isEmpty();
  }

  @Test
  void theCdsServiceNeverTakesItsAudienceOrItsFhirServerFromTheForgedHost() throws Exception {
    String patient = patientOf("tc-02-crs-dic-tocilizumab");
    var body = hookBody(patient, true, Map.of());
    body.put("fhirServer", "http://" + attackerHost() + "/fhir");
    // a token minted for the forged host's URL: refused, aud is the configured base
    String forgedAud = TestEhrKeys.token("http://" + attackerHost() + SERVICE_PATH);
    assertThat(raw("POST", SERVICE_PATH, attackerHost(), forgedAud, body.toString())).contains(" 401 ");
    // a genuine token with the attacker's fhirServer: refused before any call-back
    String genuine = TestEhrKeys.token(base() + SERVICE_PATH);
    assertThat(raw("POST", SERVICE_PATH, attackerHost(), genuine, body.toString())).contains(" 403 ");
    assertThat(received).isEmpty();
  }

  @Test
  void theControlReachesTheAttackersServerWhenItIsTheCallersOwnUrl() throws Exception {
    // the raw-socket client works: a GET sent straight to the attacker's server is recorded
    try (Socket s = new Socket("127.0.0.1", attacker.getAddress().getPort())) {
      write(s, "GET", "/probe", attackerHost(), "t", null);
      s.getInputStream().readAllBytes();
    }
    assertThat(received).hasSize(1);
  }

  /** Sends one HTTP/1.1 request to the application with the given Host header; returns the status line. */
  private String raw(String method, String path, String host, String bearer, String body) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      write(s, method, path, host, bearer, body);
      InputStream in = s.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int c; (c = in.read()) != -1 && c != '\n'; ) {
        line.write(c);
      }
      return line.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static void write(Socket s, String method, String path, String host, String bearer, String body) throws Exception {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + bearer
        + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length + "\r\nConnection: close\r\n\r\n";
    OutputStream out = s.getOutputStream();
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(content);
    out.flush();
  }
}
