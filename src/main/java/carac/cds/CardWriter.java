package carac.cds;

import carac.cards.Card;
import carac.cards.CardAssembler;
import carac.cql.CaracEvaluation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * The CDS Hooks 2.0 response for one evaluation: the cards of {@link CardAssembler} with the service's
 * parts added (override reasons, a SMART link opening the app at the as-of day and the rule, a link to the
 * rule's source when configured) and, when some inputs could not be obtained, a note on every card and
 * one card that says which inputs are missing. Stateless.
 */
final class CardWriter {

  static final String UNAVAILABLE_RULE = "data-unavailable";
  private static final String RULE_SYSTEM = "https://carac-watch.example.org/CodeSystem/carac-rule";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CdsProperties properties;
  private final boolean chinese;

  CardWriter(CdsProperties properties) {
    this.properties = properties;
    this.chinese = properties.language().toLowerCase(Locale.ROOT).startsWith("zh");
  }

  /** What a response is about: the patient, the evaluation instant and the as-of day (null without a course). */
  record Subject(String patient, String asOf, Integer asOfDay) {}

  /** The answer for a patient without a CAR-T course at the as-of instant (decided on complete data): no card. */
  ObjectNode withoutCourse(String patientId, java.time.OffsetDateTime asOf, String hookInstance, String serviceBase) {
    return write(new Subject("Patient/" + patientId, asOf.format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME), null),
        List.of(), List.of(), hookInstance, serviceBase);
  }

  ObjectNode write(CaracEvaluation evaluation, List<Card> cards, List<Unavailable> unavailable,
      String hookInstance, String serviceBase) {
    return write(new Subject(evaluation.patient(), evaluation.asOf(), evaluation.asOfDay()), cards, unavailable,
        hookInstance, serviceBase);
  }

  ObjectNode write(Subject evaluation, List<Card> cards, List<Unavailable> unavailable,
      String hookInstance, String serviceBase) {
    ObjectNode response = NODES.objectNode();
    ArrayNode out = response.putArray("cards");
    String missingNote = unavailable.isEmpty() ? null : missingNote(unavailable);
    if (missingNote != null) {
      out.add(unavailableCard(evaluation, unavailable, hookInstance, missingNote));
    }
    for (Card card : cards) {
      ObjectNode node = out.addObject();
      node.put("uuid", card.uuid());
      node.put("summary", card.summary());
      node.put("indicator", card.indicator());
      node.put("detail", missingNote == null ? card.detail() : card.detail() + "\n\n" + missingNote);
      ObjectNode source = node.putObject("source");
      source.put("label", card.source().label());
      if (card.source().topic() != null) {
        ObjectNode topic = source.putObject("topic");
        putIfText(topic, "system", card.source().topic().system());
        putIfText(topic, "code", card.source().topic().code());
        putIfText(topic, "display", card.source().topic().display());
      }
      addSuggestions(node, card);
      addOverrideReasons(node, card);
      addLinks(node, evaluation, card.source().topic() == null ? null : card.source().topic().code(), hookInstance, serviceBase);
    }
    return response;
  }

  private ObjectNode unavailableCard(Subject evaluation, List<Unavailable> unavailable, String hookInstance, String note) {
    ObjectNode node = NODES.objectNode();
    String key = evaluation.patient() + "|" + hookInstance + "|" + UNAVAILABLE_RULE;
    node.put("uuid", UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString());
    node.put("summary", chinese
        ? "部分患者数据无法获取：CARAC Watch 的结果不完整"
        : "Some patient data could not be obtained: CARAC Watch results are incomplete");
    node.put("indicator", "warning");
    node.put("detail", note + "\n\n" + (chinese
        ? "依赖这些数据的规则未能评估（不等于“未触发”）。数据截至 " + evaluation.asOf() + "。"
        : "Rules that need these inputs could not be evaluated (this is not the same as \"not fired\"). Data as of "
            + evaluation.asOf() + "."));
    ObjectNode source = node.putObject("source");
    source.put("label", "CARAC Watch");
    ObjectNode topic = source.putObject("topic");
    topic.put("system", RULE_SYSTEM);
    topic.put("code", UNAVAILABLE_RULE);
    topic.put("display", chinese ? "数据不可用" : "Data unavailable");
    return node;
  }

  private String missingNote(List<Unavailable> unavailable) {
    StringJoiner items = new StringJoiner("; ");
    for (Unavailable u : unavailable) {
      items.add(u.key() + " (" + u.reason() + ")");
    }
    return (chinese ? "**无法获取的输入：** " : "**Inputs unavailable:** ") + items;
  }

  /** CDS Hooks 2.0 suggestions: one may be chosen (each already bundles the actions it needs). */
  private static void addSuggestions(ObjectNode node, Card card) {
    if (card.suggestions().isEmpty()) {
      return;
    }
    node.put("selectionBehavior", "at-most-one");
    ArrayNode out = node.putArray("suggestions");
    for (Card.Suggestion s : card.suggestions()) {
      ObjectNode suggestion = out.addObject();
      suggestion.put("label", s.label());
      suggestion.put("uuid", s.uuid());
      suggestion.put("isRecommended", s.isRecommended());
      ArrayNode actions = suggestion.putArray("actions");
      for (Card.Action a : s.actions()) {
        ObjectNode action = actions.addObject();
        action.put("type", a.type());
        action.put("description", a.description());
        if (a.resourceId() != null && !a.resourceId().isEmpty()) {
          a.resourceId().forEach(action.putArray("resourceId")::add);
        }
        if (a.resource() != null) {
          action.set("resource", JSON.valueToTree(a.resource()));
        }
      }
    }
  }

  private void addOverrideReasons(ObjectNode node, Card card) {
    ArrayNode reasons = node.putArray("overrideReasons");
    for (var r : card.overrideReasons()) {
      reasons.addObject().put("system", r.system()).put("code", r.code()).put("display", r.display());
    }
    for (var r : properties.overrideReasons()) {
      ObjectNode coding = reasons.addObject();
      coding.put("system", r.system());
      coding.put("code", r.code());
      coding.put("display", r.display());
    }
  }

  private void addLinks(ObjectNode card, Subject evaluation, String rule, String hookInstance, String serviceBase) {
    ArrayNode links = card.putArray("links");
    String launch = properties.links().appLaunchUrl().isBlank() ? serviceBase + "/app/launch.html" : properties.links().appLaunchUrl();
    ObjectNode app = links.addObject();
    Integer day = evaluation.asOfDay();
    app.put("label", (chinese ? "在 CARAC Watch 中打开" : "Open in CARAC Watch")
        + (day == null ? "" : chinese ? "（第 " + day + " 天）" : " (day " + day + ")"));
    app.put("url", launch);
    app.put("type", "smart");
    ObjectNode context = NODES.objectNode();
    if (day != null) {
      context.put("day", day);
    }
    if (rule != null) {
      context.put("rule", rule);
    }
    context.put("asOf", evaluation.asOf());
    context.put("hookInstance", hookInstance);
    app.put("appContext", context.toString());
    String template = properties.links().ruleSourceUrl();
    if (!template.isBlank() && rule != null) {
      ObjectNode sourceLink = links.addObject();
      sourceLink.put("label", chinese ? "规则来源" : "Rule source");
      sourceLink.put("url", template.replace("{rule}", rule));
      sourceLink.put("type", "absolute");
    }
  }

  private static void putIfText(ObjectNode node, String field, String value) {
    if (value != null && !value.isBlank()) {
      node.put(field, value);
    }
  }

  static String json(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
