package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The order services end to end: real HTTP with signed JWTs, the sandbox FHIR server with the order stories
 * (moved so that their main as-of is the pinned "now"), call-backs or full prefetch, the draft orders in
 * context. Each story's expected-orders.json entries at its main as-of must come back exactly.
 */
class CdsOrderHooksIT extends CdsItSupport {

  static {
    // this class's prefetch reads run right after the browser tests on a loaded 2-core machine: HAPI's 10-s
    // default read timeout on the first /metadata read was seen to expire there
    FHIR.getRestfulClientFactory().setSocketTimeout(60_000);
  }

  static Stream<Arguments> mainAsOfCalls() throws Exception {
    List<Arguments> out = new ArrayList<>();
    for (String story : List.of("ord-ac-platelets", "ord-ac-unreadable", "ord-ac-bleeding", "ord-ac-window", "ord-toci",
        "ord-nofire-no-car-t")) {
      String asOf = StoryAsOf.of(story);
      int i = 0;
      for (JsonNode e : JSON.readTree(Path.of("fhir-resources/scenarios", story, "expected-orders.json").toFile())) {
        if (e.get("asOf").asText().equals(asOf)) {
          out.add(Arguments.of(story + " #" + i, story, e));
        }
        i++;
      }
    }
    assertThat(out).hasSizeGreaterThan(10);
    return out.stream();
  }

  private ObjectNode orderBody(String story, JsonNode expected, boolean prefetch) throws Exception {
    String patient = patientOf(story);
    ObjectNode body = hookBody(patient, !prefetch, prefetch ? prefetchFromServer(patient) : null);
    body.put("hook", expected.get("hook").asText());
    ObjectNode context = (ObjectNode) body.get("context");
    context.set("draftOrders", expected.get("draftOrders"));
    if (expected.has("selections")) {
      context.set("selections", expected.get("selections"));
    }
    return body;
  }

  private HttpResponse<String> call(ObjectNode body) throws Exception {
    String path = "/cds-services/" + (body.get("hook").asText().equals("order-select") ? "carac-order-select" : "carac-order-sign");
    return post(path, TestEhrKeys.token(base() + path), "application/json", body.toString());
  }

  private static List<String> rules(JsonNode cards) {
    List<String> rules = new ArrayList<>();
    cards.forEach(c -> rules.add(c.path("source").path("topic").path("code").asText() + " " + c.path("indicator").asText()));
    return rules;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mainAsOfCalls")
  void expectedOrderCardsThroughHttp(String name, String story, JsonNode expected) throws Exception {
    List<String> wanted = new ArrayList<>();
    expected.get("cards").forEach(c -> wanted.add(c.get("rule").asText() + " " + c.get("indicator").asText()));
    for (boolean prefetch : new boolean[] {false, true}) {
      HttpResponse<String> response = call(orderBody(story, expected, prefetch));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      ObjectNode body = (ObjectNode) JSON.readTree(response.body());
      assertThat(rules(body.get("cards"))).as(name + (prefetch ? " with prefetch" : " by call-backs"))
          .containsExactlyInAnyOrderElementsOf(wanted);
      assertThat(new CdsResponseValidator().violations(body)).isEmpty();
      for (JsonNode want : expected.get("cards")) {
        JsonNode card = null;
        for (JsonNode c : body.get("cards")) {
          if (c.path("source").path("topic").path("code").asText().equals(want.get("rule").asText())
              && c.path("indicator").asText().equals(want.get("indicator").asText())) {
            card = c;
          }
        }
        assertThat(card).isNotNull();
        for (JsonNode q : want.path("summaryContains")) {
          assertThat(card.get("summary").asText()).contains(q.asText());
        }
        JsonNode action = card.path("suggestions").path(0).path("actions").path(0);
        assertThat(action.path("type").asText()).isEqualTo(want.path("suggestion").path("type").asText());
        if (action.path("type").asText().equals("delete")) {
          assertThat(action.get("resourceId")).isEqualTo(want.path("suggestion").get("resourceId"));
        } else {
          assertThat(action.path("resource").path("subject").path("reference").asText()).isEqualTo("Patient/" + patientOf(story));
        }
      }
    }
  }

  @Test
  void discoveryListsThreeServicesWithTheSamePrefetch() throws Exception {
    String url = base() + "/cds-services";
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + TestEhrKeys.token(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode services = JSON.readTree(response.body()).get("services");
    List<String> ids = new ArrayList<>();
    services.forEach(s -> ids.add(s.get("hook").asText() + "=" + s.get("id").asText()));
    assertThat(ids).containsExactly("patient-view=carac-patient-view", "order-select=carac-order-select",
        "order-sign=carac-order-sign");
    assertThat(services.get(1).get("prefetch")).isEqualTo(services.get(0).get("prefetch"));
    assertThat(services.get(2).get("prefetch")).isEqualTo(services.get(0).get("prefetch"));
  }

  @Test
  void malformedDraftOrdersAre400WithAnOperationOutcome() throws Exception {
    JsonNode good = JSON.readTree(Path.of("fhir-resources/scenarios/ord-ac-platelets/expected-orders.json").toFile()).get(0);
    record Bad(String hook, String draftOrders, String selections, String says) {}
    String draft = good.get("draftOrders").get("entry").get(0).get("resource").toString();
    List<Bad> bad = List.of(
        new Bad("order-sign", null, null, "context.draftOrders is required"),
        new Bad("order-sign", draft, null, "must be a FHIR Bundle"),
        new Bad("order-sign", "[1,2]", null, "must be a FHIR Bundle"),
        new Bad("order-sign", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
            + "{\"resourceType\":\"Patient\",\"id\":\"x\"}}]}", null, "must be an order resource"),
        new Bad("order-sign", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
            + "{\"resourceType\":\"MedicationRequest\",\"status\":\"draft\",\"intent\":\"order\"}}]}", null, "id is required"),
        new Bad("order-sign", "{\"resourceType\":\"Bundle\",\"entry\":{}}", null, "entry must be an array"),
        new Bad("order-select", good.get("draftOrders").toString(), null, "context.selections is required"),
        new Bad("order-select", good.get("draftOrders").toString(), "[\"MedicationRequest/not-there\"]", "must name entries"));
    for (Bad b : bad) {
      ObjectNode body = hookBody(patientOf("ord-ac-platelets"), true, null);
      body.put("hook", b.hook());
      ObjectNode context = (ObjectNode) body.get("context");
      if (b.draftOrders() != null) {
        context.set("draftOrders", JSON.readTree(b.draftOrders()));
      }
      if (b.selections() != null) {
        context.set("selections", JSON.readTree(b.selections()));
      }
      HttpResponse<String> response = call(body);
      assertThat(response.statusCode()).as(b.says()).isEqualTo(400);
      assertThat(response.body()).contains("\"resourceType\":\"OperationOutcome\"").contains(b.says())
          .doesNotContain("Exception");
    }
    ObjectNode wrongHook = orderBody("ord-ac-platelets", good, false);
    String path = "/cds-services/carac-order-select";
    HttpResponse<String> response = post(path, TestEhrKeys.token(base() + path), "application/json", wrongHook.toString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("order-select");
  }

  @Test
  void feedbackRecordsTheAcceptedSuggestion() throws Exception {
    JsonNode first = JSON.readTree(Path.of("fhir-resources/scenarios/ord-ac-platelets/expected-orders.json").toFile()).get(0);
    HttpResponse<String> response = call(orderBody("ord-ac-platelets", first, true));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode card = JSON.readTree(response.body()).get("cards").get(0);
    assertThat(card.path("source").path("topic").path("code").asText()).isEqualTo("R-ORD-AC");
    String path = "/cds-services/carac-order-sign/feedback";
    String feedback = "{\"feedback\":[{\"card\":\"" + card.get("uuid").asText() + "\",\"outcome\":\"accepted\","
        + "\"acceptedSuggestions\":[{\"id\":\"" + card.get("suggestions").get(0).get("uuid").asText() + "\"}],"
        + "\"outcomeTimestamp\":\"2025-06-01T18:00:00+08:00\"}]}";
    HttpResponse<String> sent = post(path, TestEhrKeys.token(base() + path), "application/json", feedback);
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
  }
}
