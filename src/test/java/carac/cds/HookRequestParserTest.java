package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed request of cds-requests/bad-requests.json is refused with its status and a message. */
class HookRequestParserTest {

  private final HookRequestParser parser = new HookRequestParser("patient-view", (carac.fhir.FhirServerAllowList) null);

  static Stream<Arguments> badRequests() throws Exception {
    JsonNode cases = new ObjectMapper().readTree(HookRequestParserTest.class.getResourceAsStream("/cds-requests/bad-requests.json"));
    return java.util.stream.StreamSupport.stream(cases.spliterator(), false)
        .map(c -> Arguments.of(c.get("name").asText(), c.get("status").asInt(), c.get("body").asText()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void refuses(String name, int status, String body) {
    assertThatThrownBy(() -> parser.parse(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(CdsException.class, e -> {
          assertThat(e.status().value()).isEqualTo(status);
          assertThat(e.getMessage()).isNotBlank().doesNotContain("p2");
        });
  }

  @Test
  void readsAValidCallWithPrefetchStates() {
    String body = """
        {"hook":"patient-view","hookInstance":"d2a9c5a4-4a1c-4c59-9a44-2b3c7e0f1a11",
         "fhirServer":"https://ehr.example/fhir",
         "fhirAuthorization":{"access_token":"t","token_type":"Bearer","expires_in":300,"scope":"patient/*.rs","subject":"ehr"},
         "context":{"userId":"Practitioner/1","patientId":"p-1"},
         "prefetch":{"patient":{"resourceType":"Patient","id":"p-1"},"conditions":null}}""";
    HookRequest r = parser.parse(body.getBytes(StandardCharsets.UTF_8));
    assertThat(r.patientId()).isEqualTo("p-1");
    assertThat(r.accessToken()).isEqualTo("t");
    assertThat(r.prefetch()).containsKeys("patient", "conditions").doesNotContainKey("observations");
    assertThat(r.prefetch().get("conditions").isNull()).isTrue();
  }

  @Test
  void aPrefetchValueReadLaterIsTheTreeTheWholeBodyGives() throws Exception {
    String body = """
        {"hook":"patient-view","hookInstance":"d2a9c5a4-4a1c-4c59-9a44-2b3c7e0f1a11","context":{"patientId":"p-1"},
         "prefetch":{"observations":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation",
           "valueQuantity":{"value":3.10},"note":[{"text":"a \\"quoted\\" } brace"}]}}]},
           "list":[1,[2,{"x":null}]],"n":7,"s":"text","conditions":null,"observations2":{},
           "dup":{"a":1},"dup":{"a":2}}}""";
    HookRequest r = parser.parse(body.getBytes(StandardCharsets.UTF_8));
    JsonNode whole = HookRequestParser.readJson(body.getBytes(StandardCharsets.UTF_8)).get("prefetch");
    assertThat(r.prefetch()).containsOnlyKeys("observations", "list", "n", "s", "conditions", "observations2", "dup");
    for (String key : List.of("observations", "list", "n", "s", "conditions", "observations2", "dup")) {
      assertThat(r.prefetch().get(key)).as(key).isEqualTo(whole.get(key));
    }
    assertThat(r.prefetch().get("observations").at("/entry/0/resource/valueQuantity/value").decimalValue())
        .isEqualTo(new java.math.BigDecimal("3.10"));
    assertThat(r.prefetch().get("dup").get("a").asInt()).isEqualTo(2);
  }

  @Test
  void aLaterPrefetchFieldReplacesAnEarlierOne() {
    String head = "{\"hook\":\"patient-view\",\"hookInstance\":\"d2a9c5a4-4a1c-4c59-9a44-2b3c7e0f1a11\","
        + "\"context\":{\"patientId\":\"p-1\"},";
    assertThat(parser.parse((head + "\"prefetch\":{\"a\":{}},\"prefetch\":null}").getBytes(StandardCharsets.UTF_8))
        .prefetch()).isEmpty();
    assertThatThrownBy(() -> parser.parse((head + "\"prefetch\":{\"a\":{}},\"prefetch\":[]}")
        .getBytes(StandardCharsets.UTF_8))).isInstanceOf(CdsException.class);
    assertThat(parser.parse((head + "\"prefetch\":[],\"prefetch\":{\"a\":{}}}").getBytes(StandardCharsets.UTF_8))
        .prefetch()).containsOnlyKeys("a");
  }

  @Test
  void enforcesTheFhirServerAllowList() {
    var strict = new HookRequestParser("patient-view", new carac.fhir.FhirServerAllowList(List.of("https://ehr.example/fhir"), List.of()));
    String body = """
        {"hook":"patient-view","hookInstance":"d2a9c5a4-4a1c-4c59-9a44-2b3c7e0f1a11",
         "fhirServer":"https://evil.example/fhir","context":{"patientId":"p-1"}}""";
    assertThatThrownBy(() -> strict.parse(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(CdsException.class, e -> assertThat(e.status().value()).isEqualTo(403));
  }
}
