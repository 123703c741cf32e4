package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a seeded fuzz of hook bodies through real HTTP. Each case mutates a valid call (a story's full
 * prefetch) at random places: fields removed or retyped, odd numbers and strings, deep nesting, broken
 * FHIR, truncated or corrupted bytes. No case may give a 5xx or an exception name; every refusal is a 4xx
 * OperationOutcome. Seeded: a failure names its case and replays.
 */
class HookFuzzIT extends CdsItSupport {

  private static final long SEED = 13L;
  private static final int CASES = 3000;
  private static final long MAX_MILLIS = 60_000; // CI time: about 1,500-3,000 cases
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void fuzzedHookBodiesNeverGive5xxOrExceptionNames() throws Exception {
    String patient = patientOf("tc-01-uncomplicated-course");
    ObjectNode base = hookBody(patient, false, prefetchFromServer(patient));
    Random random = new Random(SEED);
    Map<Integer, Integer> statuses = new TreeMap<>();
    long start = System.currentTimeMillis();
    int n = 0;
    for (; n < CASES && System.currentTimeMillis() - start < MAX_MILLIS; n++) {
      String body = mutate(base, random);
      HttpResponse<String> r = post(SERVICE_PATH, TestEhrKeys.token(base() + SERVICE_PATH), "application/json", body);
      statuses.merge(r.statusCode(), 1, Integer::sum);
      String what = "case " + n + " (seed " + SEED + "): " + abbreviate(body) + " -> " + r.statusCode() + " " + abbreviate(r.body());
      assertThat(r.statusCode()).as(what).isLessThan(500);
      assertThat(CallbackHardeningIT.EXCEPTION_NAME.matcher(r.body()).find()).as(what).isFalse();
      if (r.statusCode() >= 400) {
        assertThat(JSON.readTree(r.body()).path("resourceType").asText()).as(what).isEqualTo("OperationOutcome");
      } else {
        assertThat(JSON.readTree(r.body()).path("cards").isArray()).as(what).isTrue();
      }
    }
    System.out.println("hook fuzz: " + n + " cases in " + (System.currentTimeMillis() - start) + " ms, statuses " + statuses);
    assertThat(n).as("cases run in the time cap").isGreaterThanOrEqualTo(1000);
    assertThat(statuses).containsKey(200).containsKey(400);
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…(" + s.length() + " chars)" : s;
  }

  static String mutate(ObjectNode base, Random random) {
    ObjectNode copy = base.deepCopy();
    int edits = 1 + random.nextInt(3);
    for (int i = 0; i < edits; i++) {
      List<ContainerNode<?>> containers = new ArrayList<>();
      // half the edits go to the envelope (fast 400s), half anywhere (into the FHIR of the prefetch)
      collect(random.nextBoolean() ? copy.without("prefetch") : copy, containers, random.nextInt(4) == 0 ? 4 : 99);
      if (containers.isEmpty()) {
        continue;
      }
      ContainerNode<?> target = containers.get(random.nextInt(containers.size()));
      edit(target, random);
    }
    String text = copy.toString();
    switch (random.nextInt(20)) {
      case 0 -> text = text.substring(0, random.nextInt(text.length()));
      case 1 -> {
        int at = random.nextInt(text.length());
        String junk = "\"{[:,\\\u0000}]";
        text = text.substring(0, at) + junk.charAt(random.nextInt(junk.length())) + text.substring(at);
      }
      default -> { }
    }
    return text;
  }

  private static void collect(JsonNode node, List<ContainerNode<?>> out, int depth) {
    if (node instanceof ContainerNode<?> c) {
      out.add(c);
      if (depth > 0) {
        node.forEach(child -> collect(child, out, depth - 1));
      }
    }
  }

  private static void edit(ContainerNode<?> target, Random random) {
    if (target instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      String field = names.isEmpty() || random.nextInt(8) == 0 ? pick(random, "resourceType", "id", "value", "extension",
          "resource", "entry", "hook", "context", "patientId", "fhirServer_", "x") : names.get(random.nextInt(names.size()));
      if (random.nextInt(6) == 0) {
        o.remove(field);
      } else {
        o.set(field, oddValue(random));
      }
    } else if (target instanceof ArrayNode a) {
      if (a.isEmpty() || random.nextBoolean()) {
        a.add(oddValue(random));
      } else {
        a.set(random.nextInt(a.size()), oddValue(random));
      }
    }
  }

  private static String pick(Random random, String... options) {
    return options[random.nextInt(options.length)];
  }

  static JsonNode oddValue(Random random) {
    return switch (random.nextInt(16)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.numberNode(random.nextLong());
      case 2 -> NODES.numberNode(new java.math.BigDecimal("1e" + (random.nextInt(400) - 200)));
      case 3 -> NODES.textNode("");
      case 4 -> NODES.textNode("x".repeat(random.nextInt(20_000)));
      case 5 -> NODES.textNode("<script>alert(1)</script>\r\n# **STOP** [x](https://evil.example)\u0000\u202e");
      case 6 -> NODES.objectNode();
      case 7 -> NODES.arrayNode();
      case 8 -> {
        JsonNode deep = NODES.arrayNode();
        for (int i = 0; i < 20 + random.nextInt(200); i++) {
          ArrayNode wrap = NODES.arrayNode();
          wrap.add(deep);
          deep = wrap;
        }
        yield deep;
      }
      case 9 -> NODES.booleanNode(random.nextBoolean());
      case 10 -> NODES.objectNode().put("resourceType", pick(random, "", " ", "Bundle", "Observation", "Patient",
          "OperationOutcome", "Nope", "Bundle\u0000"));
      case 11 -> NODES.objectNode().put("resourceType", "Bundle").set("entry",
          NODES.arrayNode().add(NODES.objectNode().set("resource", random.nextBoolean() ? NODES.nullNode() : oddValue(random))));
      case 12 -> NODES.objectNode().put("resourceType", "Observation").put("status", "final")
          .set("valueQuantity", NODES.objectNode().put("value", new java.math.BigDecimal("1e" + random.nextInt(300)))
              .put("unit", "mg/L<b>**x**</b>").put("system", "http://unitsofmeasure.org").put("code", "mg/L"));
      case 13 -> NODES.textNode(String.valueOf(random.nextDouble()));
      case 14 -> NODES.textNode("2025-13-45T99:99:99+99:00");
      default -> NODES.numberNode(random.nextInt());
    };
  }
}
