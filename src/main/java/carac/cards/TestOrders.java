package carac.cards;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Suggestions that order laboratory tests: one {@code create} action per test, each a complete draft
 * ServiceRequest (status draft, intent order, the test's LOINC code from the CQL "Orderable Tests", the
 * patient as subject). Never a medication (clinical-reference.md §7.5).
 */
final class TestOrders {

  private TestOrders() {}

  /** Null when none of the tests is orderable. */
  static Card.Suggestion suggestion(CardText text, String cardUuid, String patient, String rule, List<String> tests,
      Object orderableTests) {
    List<Card.Action> actions = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String test : tests) {
      Map<String, Object> code = orderable(orderableTests, test);
      if (code == null) {
        continue;
      }
      String name = text.get("test." + test);
      names.add(name);
      actions.add(new Card.Action("create", text.get("suggest.order.action", name, code.get("code")), null,
          serviceRequest(text, patient, rule, code, name)));
    }
    if (actions.isEmpty()) {
      return null;
    }
    String key = cardUuid + "|order|" + String.join(",", tests);
    return new Card.Suggestion(text.get("suggest.order.label", String.join(", ", names)),
        UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString(), true, actions);
  }

  private static Map<String, Object> serviceRequest(CardText text, String patient, String rule, Map<String, Object> code,
      String name) {
    Map<String, Object> coding = new LinkedHashMap<>();
    coding.put("system", code.get("system"));
    coding.put("code", code.get("code"));
    coding.put("display", code.get("display"));
    Map<String, Object> concept = new LinkedHashMap<>();
    concept.put("coding", List.of(coding));
    concept.put("text", name);
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("resourceType", "ServiceRequest");
    request.put("status", "draft");
    request.put("intent", "order");
    request.put("code", concept);
    request.put("subject", Map.of("reference", patient));
    request.put("note", List.of(Map.of("text", text.get("suggest.order.note", rule))));
    return request;
  }

  private static Map<String, Object> orderable(Object orderableTests, String test) {
    for (Object o : CardFacts.list(orderableTests)) {
      var t = CardFacts.map(o);
      if (test.equals(t.get("test"))) {
        return t;
      }
    }
    return null;
  }
}
