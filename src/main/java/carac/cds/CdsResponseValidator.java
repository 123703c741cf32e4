package carac.cds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a response against CDS Hooks 2.0 before it is sent: summary under 140 characters, indicator and
 * link types from their value sets, uuid on every card and suggestion, selectionBehavior with suggestions,
 * actions with type and description (resourceId for delete, a non-medication resource for create and update),
 * appContext only on smart links, absolute link URLs, and no null, empty string, empty array or empty
 * object anywhere (an empty top-level {@code cards} is allowed). Returns the violations.
 */
final class CdsResponseValidator {

  private static final Set<String> INDICATORS = Set.of("info", "warning", "critical");
  private static final Set<String> LINK_TYPES = Set.of("absolute", "smart");
  private static final Set<String> SELECTION = Set.of("at-most-one", "any");
  private static final Set<String> ACTION_TYPES = Set.of("create", "update", "delete");
  private static final java.util.regex.Pattern RELATIVE_REFERENCE =
      java.util.regex.Pattern.compile("[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}");

  List<String> violations(ObjectNode response) {
    List<String> problems = new ArrayList<>();
    JsonNode cards = response.get("cards");
    if (cards == null || !cards.isArray()) {
      problems.add("cards: required array");
      return problems;
    }
    for (var it = response.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("cards")) {
        noEmpties(e.getValue(), e.getKey(), problems);
      }
    }
    for (int i = 0; i < cards.size(); i++) {
      card(cards.get(i), "cards[" + i + "]", problems);
    }
    return problems;
  }

  private void card(JsonNode card, String at, List<String> problems) {
    noEmpties(card, at, problems);
    String summary = card.path("summary").asText("");
    if (summary.isEmpty() || summary.codePointCount(0, summary.length()) >= 140) {
      problems.add(at + ".summary: required, under 140 characters");
    }
    if (!INDICATORS.contains(card.path("indicator").asText())) {
      problems.add(at + ".indicator: info, warning or critical");
    }
    if (card.path("source").path("label").asText("").isEmpty()) {
      problems.add(at + ".source.label: required");
    }
    if (card.path("uuid").asText("").isEmpty()) {
      problems.add(at + ".uuid: required for feedback");
    }
    JsonNode suggestions = card.get("suggestions");
    if (suggestions != null) {
      if (!SELECTION.contains(card.path("selectionBehavior").asText())) {
        problems.add(at + ".selectionBehavior: required with suggestions");
      }
      for (int i = 0; i < suggestions.size(); i++) {
        JsonNode s = suggestions.get(i);
        if (s.path("label").asText("").isEmpty() || s.path("uuid").asText("").isEmpty()) {
          problems.add(at + ".suggestions[" + i + "]: label and uuid required");
        }
        JsonNode actions = s.path("actions");
        for (int j = 0; j < actions.size(); j++) {
          action(actions.get(j), at + ".suggestions[" + i + "].actions[" + j + "]", problems);
        }
      }
    }
    for (JsonNode reason : card.path("overrideReasons")) {
      if (reason.path("code").asText("").isEmpty() || reason.path("system").asText("").isEmpty()
          || reason.path("display").asText("").isEmpty()) {
        problems.add(at + ".overrideReasons: system, code and display required");
      }
    }
    JsonNode links = card.path("links");
    for (int i = 0; i < links.size(); i++) {
      JsonNode link = links.get(i);
      String where = at + ".links[" + i + "]";
      if (link.path("label").asText("").isEmpty()) {
        problems.add(where + ".label: required");
      }
      String type = link.path("type").asText();
      if (!LINK_TYPES.contains(type)) {
        problems.add(where + ".type: absolute or smart");
      }
      if (link.has("appContext") && !"smart".equals(type)) {
        problems.add(where + ".appContext: only on smart links");
      }
      if (!absolute(link.path("url").asText(""))) {
        problems.add(where + ".url: absolute URL required");
      }
    }
  }

  /**
   * A CDS Hooks 2.0 action: type and description; {@code create}/{@code update} carry a FHIR resource,
   * {@code delete} the relative references it removes. CARAC Watch never creates or changes a medication
   * order (clinical-reference.md §7.5), so such a resource is a violation too.
   */
  private static void action(JsonNode action, String at, List<String> problems) {
    String type = action.path("type").asText("");
    if (!ACTION_TYPES.contains(type)) {
      problems.add(at + ".type: create, update or delete");
    }
    if (action.path("description").asText("").isEmpty()) {
      problems.add(at + ".description: required");
    }
    if (type.equals("delete")) {
      JsonNode ids = action.path("resourceId");
      if (!ids.isArray() || ids.isEmpty()) {
        problems.add(at + ".resourceId: required for delete");
      }
      for (JsonNode id : ids) {
        if (!id.isTextual() || !RELATIVE_REFERENCE.matcher(id.asText()).matches()) {
          problems.add(at + ".resourceId: relative references (Type/id) only");
        }
      }
    } else if (type.equals("create") || type.equals("update")) {
      String resourceType = action.path("resource").path("resourceType").asText("");
      if (resourceType.isEmpty()) {
        problems.add(at + ".resource: a FHIR resource is required for " + type);
      } else if (resourceType.startsWith("Medication")) {
        problems.add(at + ".resource: a suggestion never creates or changes a medication (" + resourceType + ")");
      }
    }
  }

  private static boolean absolute(String url) {
    try {
      URI uri = URI.create(url);
      return uri.isAbsolute() && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void noEmpties(JsonNode node, String at, List<String> problems) {
    if (node == null || node.isNull()) {
      problems.add(at + ": null");
    } else if (node.isTextual() && node.asText().isEmpty()) {
      problems.add(at + ": empty string");
    } else if ((node.isArray() || node.isObject()) && node.isEmpty()) {
      problems.add(at + ": empty " + (node.isArray() ? "array" : "object"));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        noEmpties(node.get(i), at + "[" + i + "]", problems);
      }
    } else if (node.isObject()) {
      node.fields().forEachRemaining(e -> noEmpties(e.getValue(), at + "." + e.getKey(), problems));
    }
  }
}
