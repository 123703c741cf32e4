package carac.cards;

import carac.cql.CaracEvaluation.LabValue;
import carac.cql.OrderEvaluation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Cards for draft orders (CDS Hooks order-select / order-sign) from the CQL "Order Card Data"
 * (clinical-reference.md §7.5): which draft a rule speaks about, its three-valued risk and the tests a
 * suggestion may order all come from the CQL; this class words them, names the draft, quotes the values,
 * days and Observation ids, and builds the suggestions (remove the draft; order a test). Stateless.
 */
public final class OrderCardAssembler {

  /** The override reason of R-ORD-AC (§7.5): anticoagulation needed for thrombosis. */
  static final String OVERRIDE_SYSTEM = "https://carac-watch.example.org/CodeSystem/card-override-reason";
  private static final int NAME_MAX = 40;

  private final Locale locale;

  /** @param language "en" (default) or "zh" / "zh-CN" */
  public OrderCardAssembler(String language) {
    this.locale = language != null && language.toLowerCase(Locale.ROOT).startsWith("zh")
        ? Locale.SIMPLIFIED_CHINESE : Locale.ENGLISH;
  }

  public List<Card> cards(OrderEvaluation evaluation) {
    Map<String, Object> data = evaluation.orderData();
    if (data == null || evaluation.infusionDate() == null) {
      return List.of();
    }
    var text = new CardText(locale);
    List<Card> cards = new ArrayList<>();
    for (Object o : CardFacts.list(data.get("findings"))) {
      var finding = CardFacts.map(o);
      var order = CardFacts.map(finding.get("order"));
      String rule = (String) finding.get("rule");
      Boolean risk = (Boolean) finding.get("risk");
      String kind = "R-ORD-TOCI".equals(rule) ? "r-ord-toci" : risk == null ? "r-ord-ac.ne" : "r-ord-ac";
      String indicator = switch (kind) {
        case "r-ord-ac" -> "critical";
        case "r-ord-ac.ne" -> "warning";
        default -> "info";
      };
      String uuid = uuid(evaluation, rule + "|" + kind, (String) order.get("resource"));
      String name = name(text, order);
      Rendered r = switch (kind) {
        case "r-ord-ac" -> anticoagulantRisk(text, data, name, evaluation.asOfDay());
        case "r-ord-ac.ne" -> plateletsUnknown(text, data, name, evaluation.asOfDay());
        default -> tocilizumab(text, data, name, evaluation.asOfDay());
      };
      List<Card.Suggestion> suggestions = new ArrayList<>();
      List<Card.Coding> reasons = new ArrayList<>();
      if (kind.equals("r-ord-ac")) {
        String draft = (String) order.get("resource");
        String key = uuid + "|delete|" + draft;
        suggestions.add(new Card.Suggestion(text.get("suggest.remove.label"),
            UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString(), true,
            List.of(new Card.Action("delete", text.get("suggest.remove.action", name, RecordText.plain(draft)),
                List.of(draft), null))));
        reasons.add(new Card.Coding(OVERRIDE_SYSTEM, "benefit-outweighs-risk", text.get("override.benefit-outweighs-risk")));
      }
      var order2 = TestOrders.suggestion(text, uuid, evaluation.patient(), rule,
          CardFacts.strings(finding.get("suggestTests")), data.get("orderableTests"));
      if (order2 != null) {
        suggestions.add(order2);
      }
      String detail = text.get("order.draft", RecordText.markdown(name), RecordText.markdown(order.get("resource")))
          + "\n\n" + r.detail()
          + "\n\n" + text.get("source.line", text.get((kind.equals("r-ord-toci") ? "r-ord-toci" : "r-ord-ac") + ".source"))
          + "\n\n" + text.get("asof.line", CardAssembler.shownAsOf(evaluation.asOf()), evaluation.asOfDay(),
              evaluation.infusionDate());
      cards.add(new Card(uuid, r.summary(), indicator,
          new Card.Source(text.get("source.label"), new Card.Coding(CardAssembler.RULE_SYSTEM, rule, text.get(kind + ".title"))),
          detail, suggestions, reasons));
    }
    return cards;
  }

  private record Rendered(String summary, String detail) {}

  private Rendered anticoagulantRisk(CardText text, Map<String, Object> data, String name, Integer day) {
    List<String> shortReasons = new ArrayList<>();
    StringBuilder detail = new StringBuilder(text.get("r-ord-ac.detail"));
    if (Boolean.TRUE.equals(data.get("plateletsLow")) && data.get("platelets") instanceof LabValue plt) {
      Object pday = data.get("plateletDay");
      shortReasons.add(text.get("r-ord-ac.reason.platelets.short", quantity(plt), pday));
      detail.append("\n- ").append(text.get("r-ord-ac.reason.platelets", threshold(data, "orderPlatelets")))
          .append("\n  ").append(CardAssembler.quote(text, "platelets", plt, pday));
    } else if (Boolean.TRUE.equals(data.get("plateletsLow"))) {
      shortReasons.add(text.get("r-ord-ac.reason.platelets.short", "?", data.get("plateletDay")));
    }
    for (Object o : CardFacts.list(data.get("recentBleeding"))) {
      var b = CardFacts.map(o);
      shortReasons.add(text.get("r-ord-ac.reason.bleeding.short", b.get("onsetDay")));
      detail.append("\n- ").append(text.get("r-ord-ac.reason.bleeding", RecordText.markdown(b.get("instant")),
          b.get("onsetDay"), RecordText.markdown(b.get("resource")), threshold(data, "orderBleedingLookbackDays")));
    }
    return new Rendered(text.get("r-ord-ac.summary", name, day, String.join("; ", shortReasons)), detail.toString());
  }

  private Rendered plateletsUnknown(CardText text, Map<String, Object> data, String name, Integer day) {
    StringBuilder detail = new StringBuilder(text.get("r-ord-ac.ne.detail", day, day - 1, threshold(data, "orderPlatelets")));
    for (Object o : CardFacts.list(data.get("unreadablePlatelets"))) {
      var u = CardFacts.map(o);
      detail.append("\n- ").append(text.get("r-ord-ac.ne.unreadable", u.get("dayNumber"),
          RecordText.markdown(u.get("observation")), RecordText.markdown(u.get("problem"))));
    }
    if (CardFacts.list(data.get("unreadablePlatelets")).isEmpty()) {
      detail.append("\n- ").append(text.get("r-ord-ac.ne.none", day, day - 1));
    }
    return new Rendered(text.get("r-ord-ac.ne.summary", name, day, day - 1), detail.toString());
  }

  private Rendered tocilizumab(CardText text, Map<String, Object> data, String name, Integer day) {
    var latest = CardFacts.map(data.get("latestFibrinogen"));
    String detail = text.get("r-ord-toci.detail");
    String summary;
    if (latest.get("result") instanceof LabValue fib) {
      summary = text.get("r-ord-toci.summary", name, day, quantity(fib), latest.get("dayNumber"));
      detail += "\n\n" + CardAssembler.quote(text, "fibrinogen", fib, latest.get("dayNumber"));
    } else {
      summary = text.get("r-ord-toci.summary.none", name, day);
      detail += "\n\n" + text.get("value.unavailable", text.get("analyte.fibrinogen"));
    }
    return new Rendered(summary, detail);
  }

  /** The draft's drug as the order names it (shortened for the summary), else its drug class. */
  private static String name(CardText text, Map<String, Object> order) {
    String name = (String) order.get("name");
    if (name == null || name.isBlank()) {
      name = text.get("order.class." + order.get("drugClass"));
    }
    // the draft's own text, from the request: one line, no control characters (escaped again where Markdown)
    name = RecordText.plain(name);
    return name.length() > NAME_MAX ? name.substring(0, NAME_MAX - 1) + "…" : name;
  }

  private static String quantity(LabValue v) {
    return CardText.number(v.value()) + " " + v.unit();
  }

  private static String threshold(Map<String, Object> data, String name) {
    Object t = CardFacts.map(data.get("thresholds")).get(name);
    if (t instanceof Map<?, ?> q) {
      return CardText.number(q.get("value")) + " " + q.get("unit");
    }
    return Objects.toString(t);
  }

  /** Same patient, course, rule and draft give the same uuid (feedback, de-duplication across select/sign). */
  private static String uuid(OrderEvaluation e, String rule, String draft) {
    String key = e.patient() + "|" + e.infusionDate() + "|" + rule + "|" + draft;
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
