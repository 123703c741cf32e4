package carac.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import carac.cds.CdsItSupport;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 13 items 3, 7, 11 and 12 through real HTTP (raw sockets where a normal client would refuse to send
 * the attack): Tomcat's refusals are OperationOutcomes, one Authorization header only, machine endpoints
 * answer 401, slow bodies are cut off, PKCE/state/introspection as the specs say, rate limits and lock-out,
 * quiet 403 logs. Rate-limit tests come from their own loopback address so the shared context's other
 * tests (127.0.0.1) are never limited.
 */
class HttpHardeningIT extends CdsItSupport {

  private static final String CONFIDENTIAL_AUTH = "carac-confidential-test:change-me-confidential";

  @Autowired StoryCatalog stories;

  /** A raw HTTP/1.1 exchange from {@code from}; returns the status line, headers and body as text. */
  private String raw(String from, byte[] request, Duration timeout) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      s.setSoTimeout((int) timeout.toMillis());
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      return readAll(s.getInputStream());
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
        if (out.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n") && complete(out.toString(StandardCharsets.ISO_8859_1))) {
          break;
        }
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what arrived is the answer
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean complete(String response) {
    var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(response);
    int body = response.indexOf("\r\n\r\n") + 4;
    return m.find() && response.length() - body >= Integer.parseInt(m.group(1));
  }

  private static int status(String response) {
    return response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : -1;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void tomcatsOwnRefusalsAreOperationOutcomesNotHtml() throws Exception {
    String huge = "GET /cds-services HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: Bearer " + "a".repeat(1024 * 1024)
        + "\r\nConnection: close\r\n\r\n";
    String nul = "POST /cds-services/carac-patient-view HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: application/json\u0000x\r\n"
        + "Authorization: Bearer " + carac.cds.TestEhrKeys.token(base() + "/cds-services/carac-patient-view")
        + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    for (String request : new String[] {huge, nul}) {
      String response = raw("127.0.0.1", bytes(request), Duration.ofSeconds(20));
      assertThat(status(response)).as(response).isBetween(400, 499);
      assertThat(response.toLowerCase()).as(response).doesNotContain("<html").doesNotContain("apache tomcat");
      assertThat(response).contains("OperationOutcome");
    }
  }

  @Test
  void twoAuthorizationHeadersAreRefused() throws Exception {
    String cds = "GET /cds-services HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\n"
        + "Connection: close\r\n\r\n";
    assertThat(status(raw("127.0.0.1", bytes(cds), Duration.ofSeconds(10)))).isEqualTo(401);
    String token = accessTokens.issue("sandbox-ehr", "user/*.rs", null, LONG_LIFE).accessToken();
    String fhir = "GET /fhir/Patient?_count=1 HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: Bearer " + token
        + "\r\nAuthorization: Bearer junk\r\nConnection: close\r\n\r\n";
    String response = raw("127.0.0.1", bytes(fhir), Duration.ofSeconds(10));
    assertThat(status(response)).as(response).isEqualTo(400);
  }

  @Test
  void tokenAndIntrospectionAnswer401WithoutAnAcceptHeader() throws Exception {
    for (String path : new String[] {"/oauth2/token", "/oauth2/introspect", "/oauth2/revoke"}) {
      String request = "POST " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          + "Content-Length: 9\r\nConnection: close\r\n\r\ntoken=abc";
      String response = raw("127.0.0.1", bytes(request), Duration.ofSeconds(10));
      assertThat(status(response)).as(path + ": " + response).isEqualTo(401);
    }
  }

  @Test
  void aBodyThatTricklesInIsCutOffAtTheDeadline() throws Exception {
    long start = System.nanoTime();
    String response;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write(bytes("POST /login HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          + "Content-Length: 60\r\n\r\n"));
      out.flush();
      response = "";
      for (int i = 0; i < 60 && response.isEmpty(); i++) {
        try {
          out.write('a');
          out.flush();
        } catch (IOException closed) {
          break;
        }
        try {
          byte[] buf = new byte[4096];
          int n = s.getInputStream().read(buf);
          response = n < 0 ? "closed" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException stillWaiting) {
          // one byte a second: each resets Tomcat's read timeout
        }
      }
    }
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertThat(seconds).as("held for %s s; answer %s", seconds, response).isLessThan(25);
    assertThat(response).as("answered").isNotEmpty();
  }

  @Test
  void crlfInThePickersAuthorizeQueryIs400() throws Exception {
    SmartClient browser = new SmartClient(base()).signIn("clinician", "clinician");
    String page = browser.get("/sandbox/pick-patient?response_type=code").body();
    String patient = stories.all().get(0).patientId();
    var response = browser.postForm("/sandbox/pick-patient", Map.of("patient", patient,
        "authorizeQuery", "response_type=code\r\nSet-Cookie: evil=1", "_csrf", SmartClient.csrf(page)), null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
  }

  private Map<String, String> authorizeParams(String challenge, boolean withState) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("response_type", "code");
    p.put("client_id", "carac-watch");
    p.put("redirect_uri", "http://127.0.0.1:" + port + "/app/index.html");
    p.put("scope", "launch openid patient/*.rs");
    if (withState) {
      p.put("state", "s-" + System.nanoTime());
    }
    p.put("aud", fhirBase());
    p.put("code_challenge", challenge);
    p.put("code_challenge_method", "S256");
    return p;
  }

  private String launch(SmartClient browser) throws Exception {
    String patient = stories.all().get(0).patientId();
    var response = browser.postJson("/sandbox/launch", JSON.createObjectNode().put("patient", patient).toString());
    return JSON.readTree(response.body()).path("launch").asText();
  }

  @Test
  void aThreeCharacterPkceVerifierAndAMissingStateAreRefused() throws Exception {
    SmartClient browser = new SmartClient(base()).signIn("clinician", "clinician");
    String shortVerifier = "abc";
    String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(shortVerifier.getBytes(StandardCharsets.US_ASCII)));
    var params = authorizeParams(challenge, true);
    params.put("launch", launch(browser));
    String location = SmartClient.location(browser.get("/oauth2/authorize?" + SmartClient.encode(params)));
    String code = SmartClient.query(location).get("code");
    assertThat(code).as(location).isNotBlank();
    var exchange = browser.postForm("/oauth2/token", Map.of("grant_type", "authorization_code", "code", code,
        "redirect_uri", params.get("redirect_uri"), "client_id", "carac-watch", "code_verifier", shortVerifier), null);
    assertThat(exchange.statusCode()).as(exchange.body()).isEqualTo(400);
    assertThat(exchange.body()).doesNotContain("access_token");

    var noState = authorizeParams(challenge, false);
    noState.put("launch", launch(browser));
    var refused = browser.get("/oauth2/authorize?" + SmartClient.encode(noState));
    String where = refused.headers().firstValue("Location").orElse("");
    assertThat(SmartClient.query(where.isEmpty() ? "http://x/" : where)).as(refused.statusCode() + " " + where)
        .doesNotContainKey("code");
  }

  @Test
  void aClientCannotIntrospectAnotherClientsToken() throws Exception {
    String others = accessTokens.issue("sandbox-ehr", "user/*.rs", null, LONG_LIFE).accessToken();
    var browser = new SmartClient(base());
    JsonNode own = browser.token(Map.of("grant_type", "client_credentials", "scope", "user/*.rs"), CONFIDENTIAL_AUTH);
    JsonNode mine = JSON.readTree(browser.postForm("/oauth2/introspect", Map.of("token", own.path("access_token").asText()),
        CONFIDENTIAL_AUTH).body());
    JsonNode theirs = JSON.readTree(browser.postForm("/oauth2/introspect", Map.of("token", others), CONFIDENTIAL_AUTH).body());
    assertThat(mine.path("active").asBoolean()).isTrue();
    assertThat(theirs.path("active").asBoolean()).as(theirs.toString()).isFalse();
    assertThat(theirs.has("patient") || theirs.has("scope") || theirs.has("sub")).isFalse();
  }

  @Test
  void theTokenEndpointIsRateLimitedPerClientAddress() throws Exception {
    int limited = 0;
    for (int i = 0; i < 700 && limited == 0; i++) {
      String request = "POST /oauth2/token HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          + "Content-Length: 28\r\nConnection: close\r\n\r\ngrant_type=client_credential";
      int status = status(raw("127.0.0.2", bytes(request), Duration.ofSeconds(10)));
      limited += status == 429 ? 1 : 0;
    }
    assertThat(limited).as("429 within 700 requests a minute").isPositive();
    assertThat(new SmartClient(base()).get("/oauth2/jwks").statusCode()).as("other addresses are not limited").isEqualTo(200);
  }

  @Test
  void repeatedWrongPasswordsLockTheNameOut() throws Exception {
    int lockedAt = -1;
    for (int i = 0; i < 30 && lockedAt < 0; i++) {
      SmartClient mallory = new SmartClient(base());
      String page = mallory.get("/login").body();
      var response = mallory.postForm("/login", Map.of("username", "mallory", "password", "guess-" + i,
          "_csrf", SmartClient.csrf(page)), null);
      if (response.statusCode() == 429) {
        lockedAt = i;
      }
    }
    assertThat(lockedAt).as("locked out after repeated failures").isBetween(1, 15);
    new SmartClient(base()).signIn("clinician", "clinician"); // another name is unaffected
  }

  @Test
  void aForbiddenFhirReadLogsOneQuietLine() throws Exception {
    var stories = this.stories.all();
    String a = stories.get(0).patientId();
    String b = stories.get(1).patientId();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      var response = new SmartClient(base()).get(fhirBase() + "/Patient/" + b, ehrToken(a));
      assertThat(response.statusCode()).isEqualTo(403);
    } finally {
      root.detachAppender(logs);
    }
    int chars = 0;
    for (ILoggingEvent e : logs.list) {
      assertThat(e.getThrowableProxy()).as(e.getLoggerName() + ": " + e.getFormattedMessage()).isNull();
      chars += e.getFormattedMessage().length();
    }
    assertThat(chars).as("log volume of one 403").isLessThan(1000);
  }
}
