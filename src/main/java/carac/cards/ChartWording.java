package carac.cards;

import carac.cql.CaracEvaluation.Criterion;
import carac.cql.CaracEvaluation.Event;
import carac.cql.CaracEvaluation.Series;
import carac.cql.CaracEvaluation.Threshold;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Words the chart data of an evaluation in the card language. Values, units and comparators come from the
 * CQL; a line's label names every rule that reads its cut-off, e.g. "< 50: ISTH +2, CDSS +1, ...".
 */
final class ChartWording {

  private final CardText text;

  ChartWording(CardText text) {
    this.text = text;
  }

  List<Series> series(List<Series> raw) {
    return raw == null ? List.of() : raw.stream().map(this::series).toList();
  }

  List<Event> events(List<Event> raw) {
    return raw == null ? List.of() : raw.stream()
        .map(e -> new Event(e.kind(), e.day(), e.date(), text.get("chart.event." + e.name()), e.grade(),
            e.resource(), e.name()))
        .toList();
  }

  private Series series(Series s) {
    // A ratio has no UCUM unit in the CQL; "x ULN" is its display unit.
    String unit = s.unit() == null && "ratio".equals(s.scale()) ? text.get("chart.unit.ratio") : s.unit();
    List<Threshold> lines = s.thresholds().stream()
        .map(t -> new Threshold(t.value(), line(t), t.source(), t.criteria()))
        .toList();
    return new Series(s.analyte(), text.get("chart.series." + s.analyte()), s.scale(), unit, lines);
  }

  /** Rules grouped by comparator, in the CQL's order: "≥ 5: ISTH +3; > 5: thrombosis risk". */
  private String line(Threshold t) {
    Map<String, List<String>> byComparator = new LinkedHashMap<>();
    for (Criterion c : t.criteria()) {
      byComparator.computeIfAbsent(c.comparator(), k -> new ArrayList<>()).add(rule(c));
    }
    List<String> parts = new ArrayList<>();
    byComparator.forEach((comparator, rules) ->
        parts.add(text.get("chart.line", comparator, CardText.number(t.value()), String.join(text.get("chart.join.rules"), rules))));
    return String.join(text.get("chart.join.lines"), parts);
  }

  private String rule(Criterion c) {
    return c.points() == null ? text.get("chart.rule." + c.rule()) : text.get("chart.rule." + c.rule(), c.points());
  }
}
