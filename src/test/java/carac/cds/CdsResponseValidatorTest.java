package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The self-check of suggestions and actions (CDS Hooks 2.0; never a medication, clinical-reference.md §7.5). */
class CdsResponseValidatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode response(String suggestion, String selection) throws Exception {
    return (ObjectNode) JSON.readTree("{\"cards\":[{\"uuid\":\"u\",\"summary\":\"s\",\"indicator\":\"critical\","
        + "\"source\":{\"label\":\"CARAC Watch\"}" + (selection == null ? "" : ",\"selectionBehavior\":\"" + selection + "\"")
        + ",\"suggestions\":[" + suggestion + "]}]}");
  }

  @Test
  void validSuggestionsPass() throws Exception {
    assertThat(new CdsResponseValidator().violations(response("{\"label\":\"Remove\",\"uuid\":\"a\",\"actions\":[{\"type\":"
        + "\"delete\",\"description\":\"d\",\"resourceId\":[\"MedicationRequest/x-1\"]}]},{\"label\":\"Order\",\"uuid\":\"b\","
        + "\"actions\":[{\"type\":\"create\",\"description\":\"d\",\"resource\":{\"resourceType\":\"ServiceRequest\"}}]}",
        "at-most-one"))).isEmpty();
  }

  @Test
  void brokenSuggestionsAreNamed() throws Exception {
    var v = new CdsResponseValidator();
    assertThat(v.violations(response("{\"label\":\"L\",\"uuid\":\"a\"}", null)))
        .anyMatch(p -> p.contains("selectionBehavior"));
    assertThat(v.violations(response("{\"label\":\"L\",\"uuid\":\"a\",\"actions\":[{\"type\":\"delete\",\"description\":\"d\"}]}",
        "any"))).anyMatch(p -> p.contains("resourceId: required for delete"));
    assertThat(v.violations(response("{\"label\":\"L\",\"uuid\":\"a\",\"actions\":[{\"type\":\"delete\",\"description\":\"d\","
        + "\"resourceId\":[\"http://x/MedicationRequest/1\"]}]}", "any"))).anyMatch(p -> p.contains("relative references"));
    assertThat(v.violations(response("{\"label\":\"L\",\"uuid\":\"a\",\"actions\":[{\"type\":\"remove\"}]}", "any")))
        .anyMatch(p -> p.contains(".type: create, update or delete")).anyMatch(p -> p.contains("description: required"));
    assertThat(v.violations(response("{\"label\":\"L\",\"uuid\":\"a\",\"actions\":[{\"type\":\"create\",\"description\":\"d\"}]}",
        "any"))).anyMatch(p -> p.contains("a FHIR resource is required"));
    assertThat(v.violations(response("{\"label\":\"L\",\"uuid\":\"a\",\"actions\":[{\"type\":\"create\",\"description\":\"d\","
        + "\"resource\":{\"resourceType\":\"MedicationRequest\"}}]}", "any"))).anyMatch(p -> p.contains("never creates or changes a medication"));
  }
}
