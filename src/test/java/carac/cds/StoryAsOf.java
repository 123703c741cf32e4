package carac.cds;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A story's as-of and the rules its expected-cards.json says fire at that as-of. */
final class StoryAsOf {

  private StoryAsOf() {}

  static String of(String story) throws IOException {
    return StoryPrefetch.JSON.readTree(Path.of("fhir-resources/scenarios", story, "scenario.json").toFile()).get("asOf").asText();
  }

  static List<String> expectedRules(String story) throws IOException {
    String asOf = of(story);
    JsonNode all = StoryPrefetch.JSON.readTree(Path.of("fhir-resources/scenarios", story, "expected-cards.json").toFile());
    for (JsonNode e : all) {
      if (e.get("asOf").asText().equals(asOf)) {
        List<String> rules = new ArrayList<>();
        e.get("cards").forEach(c -> rules.add(c.get("rule").asText()));
        return rules;
      }
    }
    throw new IllegalStateException("no expected cards at " + asOf + " for " + story);
  }
}
