package carac.cql;

import static carac.cql.CqlResultMapper.decimal;
import static carac.cql.CqlResultMapper.elements;
import static carac.cql.CqlResultMapper.iterable;

import carac.cql.CaracEvaluation.Criterion;
import carac.cql.CaracEvaluation.DayRange;
import carac.cql.CaracEvaluation.Event;
import carac.cql.CaracEvaluation.Series;
import carac.cql.CaracEvaluation.Threshold;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencds.cqf.cql.engine.runtime.Date;

/** Carries the CQL chart data (library CaracChart) into records; the card layer words the labels. */
final class ChartMapper {

  private ChartMapper() {}

  static DayRange range(Object o) {
    if (o == null) {
      return null;
    }
    var t = elements(o);
    return new DayRange((Integer) t.get("first"), (Integer) t.get("last"));
  }

  static List<Series> series(Object o) {
    List<Series> out = new ArrayList<>();
    for (Object s : iterable(o)) {
      var t = elements(s);
      List<Threshold> lines = new ArrayList<>();
      for (Object line : iterable(t.get("thresholds"))) {
        lines.add(threshold(elements(line)));
      }
      out.add(new Series((String) t.get("analyte"), null, (String) t.get("scale"), (String) t.get("unit"),
          List.copyOf(lines)));
    }
    return List.copyOf(out);
  }

  /** A line's source names every rule's source once, in the CQL's order. */
  private static Threshold threshold(Map<String, Object> line) {
    List<Criterion> criteria = new ArrayList<>();
    Set<String> sources = new LinkedHashSet<>();
    for (Object c : iterable(line.get("criteria"))) {
      var t = elements(c);
      criteria.add(new Criterion((String) t.get("rule"), (String) t.get("comparator"), (Integer) t.get("points"),
          (String) t.get("source")));
      sources.add((String) t.get("source"));
    }
    return new Threshold(decimal(line.get("value")), null, String.join("; ", sources), List.copyOf(criteria));
  }

  static List<Event> events(Object o) {
    List<Event> out = new ArrayList<>();
    for (Object e : iterable(o)) {
      var t = elements(e);
      out.add(new Event((String) t.get("kind"), (Integer) t.get("dayNumber"), ((Date) t.get("onDate")).getDate().toString(),
          null, (Integer) t.get("grade"), (String) t.get("resource"), (String) t.get("name")));
    }
    return List.copyOf(out);
  }
}
