package carac.cards;

import carac.cql.CaracEvaluation;
import carac.cql.CaracEvaluation.LabValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * Turns the CQL "Card Data" of an evaluation into CDS Hooks cards. The rules that fire and every
 * number come from the CQL; this class picks the words (English by default, Simplified Chinese when
 * configured) and quotes each value with its unit, day, date and Observation. Stateless and thread-safe.
 */
public final class CardAssembler {

  /** The product's code system for rule ids (fhir-input-profile.md P1 base URI). */
  static final String RULE_SYSTEM = "https://carac-watch.example.org/CodeSystem/carac-rule";

  private final Locale locale;

  /** @param language "en" (default) or "zh" / "zh-CN" for Simplified Chinese */
  public CardAssembler(String language) {
    this.locale = language != null && language.toLowerCase(Locale.ROOT).startsWith("zh")
        ? Locale.SIMPLIFIED_CHINESE : Locale.ENGLISH;
  }

  /** The evaluation with its cards, and its chart series and events worded in the same language. */
  public CaracEvaluation withCards(CaracEvaluation evaluation) {
    var chart = new ChartWording(new CardText(locale));
    return evaluation.withCards(new ArrayList<>(cards(evaluation)))
        .withChart(chart.series(evaluation.series()), chart.events(evaluation.events()));
  }

  public List<Card> cards(CaracEvaluation evaluation) {
    Map<String, Object> data = evaluation.cardData();
    if (data == null || evaluation.infusionDate() == null) {
      return List.of();
    }
    var text = new CardText(locale);
    var facts = new CardFacts(evaluation, data, text);
    List<Card> cards = new ArrayList<>();
    for (Object id : CardFacts.list(data.get("firedRules"))) {
      CardRule rule = CardRule.of((String) id);
      RuleText rendered = facts.render(rule);
      String detail = rendered.detail()
          + "\n\n" + text.get("source.line", text.get(rule.key() + ".source"))
          + "\n\n" + facts.gradeLine(rendered.day())
          + facts.dataQualityLines()
          + "\n\n" + text.get("asof.line", shownAsOf(evaluation.asOf()), evaluation.asOfDay(), evaluation.infusionDate());
      String uuid = uuid(evaluation, rule, rendered.day());
      var suggestion = TestOrders.suggestion(text, uuid, evaluation.patient(), rule.id, testsToOrder(rule, data),
          data.get("orderableTests"));
      cards.add(new Card(
          uuid,
          rendered.summary(),
          rule.indicator,
          new Card.Source(text.get("source.label"), new Card.Coding(RULE_SYSTEM, rule.id, text.get(rule.key() + ".title"))),
          detail, suggestion == null ? List.of() : List.of(suggestion), List.of()));
    }
    return cards;
  }

  /**
   * The evaluation instant as a clinician reads it: local date and time to the minute with the offset of the
   * service's zone ({@code 2025-04-18 18:00 +08:00}), not the ISO instant with nanoseconds.
   */
  static String shownAsOf(String iso) {
    try {
      return java.time.OffsetDateTime.parse(iso).format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx"));
    } catch (java.time.format.DateTimeParseException | NullPointerException e) {
      return String.valueOf(iso);
    }
  }

  /**
   * The tests a reminder's suggestion orders (clinical-reference.md §7.5): for R-MON exactly the tests
   * missing on its listed days, for R-TOCI-MON the CQL's tocilizumab monitoring tests; none for other rules.
   */
  private static List<String> testsToOrder(CardRule rule, Map<String, Object> data) {
    if (rule == CardRule.TOCI_MON) {
      return CardFacts.strings(data.get("tocilizumabMonitoringTests"));
    }
    if (rule != CardRule.MON) {
      return List.of();
    }
    var missing = new java.util.LinkedHashSet<String>();
    for (Object gap : CardFacts.list(data.get("monitoringGaps"))) {
      missing.addAll(CardFacts.strings(CardFacts.map(gap).get("missing")));
    }
    return List.copyOf(missing);
  }

  /** Same patient, course, rule and cited day give the same uuid, so feedback and de-duplication work. */
  private static String uuid(CaracEvaluation e, CardRule rule, Integer day) {
    String key = e.patient() + "|" + e.infusionDate() + "|" + rule.id + "|" + (day == null ? e.asOfDay() : day);
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** A rendered rule: summary, rule-specific detail, and the day it cites (null = the as-of day). */
  record RuleText(String summary, String detail, Integer day) {}

  static String quote(CardText text, String analyte, LabValue v, Object day) {
    if (v == null) {
      return text.get("value.unavailable", text.get("analyte." + analyte));
    }
    // units as a clinician reads them (display-units.json); the data keep the UCUM codes. Units come from
    // the record: escaped for Markdown and HTML, one line, capped
    String shown = RecordText.markdown(DisplayUnits.withUnit(CardText.number(v.value()), v.unit(), text.locale()));
    if (v.reportedUnit() != null && !v.reportedUnit().equals(v.unit())) {
      shown = RecordText.markdown(DisplayUnits.withUnit(CardText.number(v.reportedValue()), v.reportedUnit(), text.locale()))
          + " = " + shown;
    }
    StringJoiner extra = new StringJoiner(", ");
    if (v.ratio() != null) {
      extra.add(text.get("value.ratio", CardText.number(v.ratio())));
    }
    if (v.prolongation() != null) {
      extra.add(text.get("value.prolongation", CardText.number(v.prolongation())));
    }
    String extras = extra.length() == 0 ? "" : " (" + extra + ")";
    return text.get("value.line", text.get("analyte." + analyte), shown + extras,
        day instanceof Number ? day : RecordText.markdown(day), RecordText.markdown(v.effective()),
        RecordText.markdown(v.observation()));
  }
}
