package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a bad FHIR server, a bad record or a bad body must never take the service down or put an
 * attacker's words on a card. Real HTTP against the whole application; faulty FHIR servers on loopback.
 */
class CallbackHardeningIT extends CdsItSupport {

  @org.springframework.beans.factory.annotation.Autowired carac.fhir.FhirServerAllowList allowList;

  static final Pattern EXCEPTION_NAME = Pattern.compile("[A-Z][A-Za-z]*(Exception|Error)\\b");
  private static final String STORY = "tc-02-crs-dic-tocilizumab";

  /** A FHIR server on loopback whose Observation search answers with {@code answer}; the rest is prefetched. */
  private ObjectNode bodyWithObservationsFrom(HttpServer server) throws Exception {
    String patient = patientOf(STORY);
    Map<String, JsonNode> partial = new HashMap<>(prefetchFromServer(patient));
    partial.remove("observations");
    ObjectNode body = hookBody(patient, true, partial);
    String fhirServer = "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    allowList.add(fhirServer); // tokens go only to configured servers
    body.put("fhirServer", fhirServer);
    return body;
  }

  private static HttpServer server(com.sun.net.httpserver.HttpHandler observations) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/fhir/Observation", observations);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    return server;
  }

  @Test
  void aFiftyMegabyteAnswerIsCutOffAndTheKeyIsUnavailable() throws Exception {
    AtomicLong sent = new AtomicLong();
    HttpServer huge = server(x -> {
      x.getResponseHeaders().set("Content-Type", "application/fhir+json");
      x.sendResponseHeaders(200, 0); // chunked: no Content-Length to refuse up front
      try (OutputStream out = x.getResponseBody()) {
        out.write("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[".getBytes(StandardCharsets.UTF_8));
        byte[] entry = ("{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\""
            + "x".repeat(900) + "\"}}},").getBytes(StandardCharsets.UTF_8);
        while (sent.get() < 50L * 1024 * 1024) {
          out.write(entry);
          sent.addAndGet(entry.length);
        }
        out.write("{}]}".getBytes(StandardCharsets.UTF_8));
      } catch (IOException aborted) {
        // the service stopped reading: what we want
      }
    });
    try {
      long start = System.nanoTime();
      HttpResponse<String> response = callService(bodyWithObservationsFrom(huge));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode cards = JSON.readTree(response.body()).get("cards");
      assertThat(cards.get(0).path("source").path("topic").path("code").asText()).isEqualTo(CardWriter.UNAVAILABLE_RULE);
      assertThat(cards.get(0).get("detail").asText()).contains("observations").contains("larger than");
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
      Thread.sleep(500);
      assertThat(sent.get()).as("the service stopped reading early").isLessThan(20L * 1024 * 1024);
    } finally {
      huge.stop(0);
    }
  }

  @Test
  void aServerThatDripsBytesIsCutOffWhenTheBudgetEnds() throws Exception {
    AtomicLong abortedAfterMs = new AtomicLong(-1);
    long[] started = new long[1];
    HttpServer drip = server(x -> {
      started[0] = System.nanoTime();
      x.getResponseHeaders().set("Content-Type", "application/fhir+json");
      x.sendResponseHeaders(200, 0);
      try (OutputStream out = x.getResponseBody()) {
        out.write("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[ ".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 60; i++) { // 30 s of one byte every 500 ms: each byte resets the read timeout
          out.write(' ');
          out.flush();
          Thread.sleep(500);
        }
      } catch (IOException | InterruptedException e) {
        abortedAfterMs.set((System.nanoTime() - started[0]) / 1_000_000);
      }
    });
    try {
      HttpResponse<String> response = callService(bodyWithObservationsFrom(drip));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(JSON.readTree(response.body()).get("cards").get(0).get("detail").asText()).contains("observations");
      for (int i = 0; i < 40 && abortedAfterMs.get() < 0; i++) {
        Thread.sleep(250);
      }
      // budget 3 s in the IT context; the exchange must be closed then, not after the server gives up
      assertThat(abortedAfterMs.get()).as("the service closed the dripping exchange").isBetween(0L, 6_000L);
    } finally {
      drip.stop(0);
    }
  }

  @Test
  void deepNestingAndHugeNumbersAre400WithAnOperationOutcome() throws Exception {
    String deep = "{\"hook\":\"patient-view\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    String longNumber = "{\"hook\":\"patient-view\",\"x\":" + "9".repeat(1000) + "}";
    for (String body : new String[] {deep, longNumber}) {
      HttpResponse<String> r = post(SERVICE_PATH, TestEhrKeys.token(base() + SERVICE_PATH), "application/json", body);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(r.body()).contains("OperationOutcome");
      assertThat(EXCEPTION_NAME.matcher(r.body()).find()).isFalse();
    }
  }

  @Test
  void oddFhirInAPrefetchKeyMakesThatKeyUnavailableNever500() throws Exception {
    String patient = patientOf(STORY);
    Map<String, JsonNode> good = prefetchFromServer(patient);
    String[] odd = {
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":null}]}",
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":{\"resourceType\":\"Observation\","
            + "\"extension\":[{\"url\":null,\"valueString\":5},{\"extension\":7}]}}]}",
        "{\"resourceType\":\"\"}",
        "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"  \"}}]}",
        "{\"resourceType\":\"Bundle\",\"entry\":{\"resource\":{}}}",
        "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":\"abc\"}}"};
    for (String value : odd) {
      Map<String, JsonNode> prefetch = new HashMap<>(good);
      prefetch.put("observations", JSON.readTree(value));
      HttpResponse<String> r = callService(hookBody(patient, false, prefetch));
      assertThat(r.statusCode()).as(value + " -> " + r.body()).isIn(200, 400, 412);
      assertThat(EXCEPTION_NAME.matcher(r.body()).find()).as(r.body()).isFalse();
    }
  }

  @Test
  void anAbsurdValueKeepsThePatientsCardsAndPrintsBounded() throws Exception {
    String patient = patientOf(STORY);
    Map<String, JsonNode> prefetch = new HashMap<>(prefetchFromServer(patient));
    int changed = 0;
    for (JsonNode entry : prefetch.get("observations").path("entry")) {
      JsonNode code = entry.path("resource").path("code").path("coding").path(0).path("code");
      if ("48065-7".equals(code.asText())) {
        ((ObjectNode) entry.path("resource").path("valueQuantity")).put("value", new java.math.BigDecimal("1e120"));
        changed++;
      }
    }
    assertThat(changed).isPositive();
    HttpResponse<String> r = callService(hookBody(patient, false, prefetch));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode cards = JSON.readTree(r.body()).get("cards");
    assertThat(cards.size()).as("the other cards survive").isGreaterThan(1);
    for (JsonNode card : cards) {
      assertThat(card.get("summary").asText().length()).isLessThan(140);
      assertThat(card.get("detail").asText()).doesNotContain("000000000000");
    }
  }

  @Test
  void recordTextNeverBringsLinksHtmlOrEmphasisToACard() throws Exception {
    String patient = patientOf(STORY);
    Map<String, JsonNode> prefetch = new HashMap<>(prefetchFromServer(patient));
    String evil = "<script>alert(1)</script><img src=x onerror=alert(2)>[click](https://evil.example)\n# STOP\n"
        + "**STOP ALL ANTICOAGULATION NOW**";
    for (JsonNode entry : prefetch.get("observations").path("entry")) {
      ObjectNode resource = (ObjectNode) entry.path("resource");
      String code = resource.path("code").path("coding").path(0).path("code").asText();
      if ("777-3".equals(code)) {
        resource.put("id", resource.path("id").asText() + "[x](https://evil.example)");
      } else if ("3255-7".equals(code)) {
        ((ObjectNode) resource.path("valueQuantity")).put("unit", evil).put("code", evil);
      }
    }
    HttpResponse<String> r = callService(hookBody(patient, false, prefetch));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode cards = JSON.readTree(r.body()).get("cards");
    assertThat(cards.size()).isPositive();
    for (JsonNode card : cards) {
      for (String field : new String[] {"summary", "detail"}) {
        String text = card.path(field).asText();
        assertThat(text).doesNotContain("<script", "<img", "](https", "**STOP", "\n# STOP", "evil.example)");
      }
    }
  }

  static ArrayNode entries(JsonNode bundle) {
    return (ArrayNode) bundle.path("entry");
  }
}
