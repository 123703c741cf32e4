package carac.cql;

import carac.cql.CaracEvaluation.DataQualityIssue;
import carac.cql.CaracEvaluation.Day;
import carac.cql.CaracEvaluation.LabValue;
import carac.cql.CaracEvaluation.PlateletFall;
import carac.cql.CaracEvaluation.Score;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencds.cqf.cql.engine.runtime.Date;
import org.opencds.cqf.cql.engine.runtime.DateTime;
import org.opencds.cqf.cql.engine.runtime.Quantity;
import org.opencds.cqf.cql.engine.runtime.Tuple;

/** Carries CQL runtime values (Tuples, Quantities, Dates) into the typed result records, unchanged. */
final class CqlResultMapper {

  private final List<DataQualityIssue> extraDataQuality;

  CqlResultMapper(List<DataQualityIssue> extraDataQuality) {
    this.extraDataQuality = extraDataQuality == null ? List.of() : extraDataQuality;
  }

  /** @param results the CaracSummary expressions by name */
  CaracEvaluation map(String patient, String asOf, Map<String, Object> results) {
    List<Day> dayList = new ArrayList<>();
    for (Object d : iterable(results.get("Days"))) {
      dayList.add(day((Tuple) d));
    }
    List<DataQualityIssue> issues = new ArrayList<>(extraDataQuality);
    for (Object q : iterable(results.get("Data Quality"))) {
      var t = elements(q);
      issues.add(
          new DataQualityIssue((String) t.get("resource"), (String) t.get("code"), (String) t.get("problem")));
    }
    issues.sort(
        Comparator.comparing(DataQualityIssue::resource, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(DataQualityIssue::code));
    Object infusionDate = results.get("Infusion Date");
    return new CaracEvaluation(
        patient,
        asOf,
        infusionDate == null ? null : ((Date) infusionDate).getDate().toString(),
        (Integer) results.get("As Of Day"),
        ChartMapper.range(results.get("Chart Window")),
        ChartMapper.range(results.get("Peak Window")),
        dayList,
        ChartMapper.series(results.get("Chart Series")),
        ChartMapper.events(results.get("Chart Events")),
        plainTuple(results.get("Baseline")),
        rules(results.get("Course")),
        issues,
        List.of(),
        plainTuple(results.get("Card Data")));
  }

  private Day day(Tuple tuple) {
    var t = tuple.getElements();
    Map<String, LabValue> values = new LinkedHashMap<>();
    for (Object v : iterable(t.get("values"))) {
      var r = elements(v);
      values.putIfAbsent((String) r.get("analyte"), labValue(r));
    }
    return new Day(
        (Integer) t.get("dayNumber"),
        ((Date) t.get("onDate")).getDate().toString(),
        Boolean.TRUE.equals(t.get("inCaracWindow")),
        score(t.get("isth")),
        score(t.get("cdss")),
        (Integer) t.get("cwGrade"),
        (Integer) t.get("cwGradeAtLeast"),
        values,
        plateletFall(t.get("plateletFall24h")),
        strings(t.get("unreadable")),
        rules(t.get("rules")));
  }

  private static Score score(Object o) {
    var t = elements(o);
    Map<String, Integer> items = new LinkedHashMap<>();
    for (Object i : iterable(t.get("items"))) {
      var item = elements(i);
      items.put((String) item.get("item"), (Integer) item.get("points"));
    }
    return new Score(
        (String) t.get("status"),
        (Integer) t.get("points"),
        (Integer) t.get("maxPossible"),
        (Integer) t.get("threshold"),
        strings(t.get("missing")),
        items,
        t.get("notDocumented") == null ? null : strings(t.get("notDocumented")));
  }

  private static LabValue labValue(Map<String, Object> r) {
    return new LabValue(
        decimal(r.get("value")),
        (String) r.get("unit"),
        (String) r.get("observation"),
        instant((DateTime) r.get("instant")),
        decimal(r.get("uln")),
        (String) r.get("ulnSource"),
        decimal(r.get("ratio")),
        r.get("prolongation") == null ? null : decimal(((Quantity) r.get("prolongation")).getValue()),
        (String) r.get("basis"),
        decimal(r.get("reportedValue")),
        (String) r.get("reportedUnit"));
  }

  /** A CQL tuple as a JSON-ready map: lab results become LabValues, quantities {value, unit}, nulls dropped. */
  private static Map<String, Object> plainTuple(Object o) {
    if (o == null) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    elements(o).forEach((k, v) -> {
      Object p = plain(v);
      if (p != null) {
        out.put(k, p);
      }
    });
    return out;
  }

  /** A day's rules: like {@link #plainTuple}, but a three-valued rule that is null stays, as "not evaluable". */
  private static Map<String, Object> rules(Object o) {
    if (o == null) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    elements(o).forEach((k, v) -> out.put(k, plain(v)));
    return out;
  }

  /** A CQL value as plain Java maps, lists, strings and numbers (lab tuples as {@link LabValue}). */
  static Object plainValue(Object v) {
    return plain(v);
  }

  private static Object plain(Object v) {
    if (v instanceof Tuple t) {
      return t.getElements().containsKey("observation") && t.getElements().containsKey("analyte")
          ? labValue(t.getElements())
          : plainTuple(t);
    }
    if (v instanceof Quantity q) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("value", decimal(q.getValue()));
      m.put("unit", q.getUnit());
      return m;
    }
    if (v instanceof BigDecimal d) {
      return decimal(d);
    }
    if (v instanceof Date d) {
      return d.getDate().toString();
    }
    if (v instanceof DateTime d) {
      return instant(d);
    }
    if (v instanceof Iterable<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(i -> out.add(plain(i)));
      return out;
    }
    return v;
  }

  private static PlateletFall plateletFall(Object o) {
    if (o == null) {
      return null;
    }
    var t = elements(o);
    var current = (Quantity) t.get("current");
    var previous = (Quantity) t.get("previous");
    if (previous == null) {
      return null;
    }
    return new PlateletFall(decimal(current.getValue()), decimal(previous.getValue()),
        (String) t.get("previousObservation"), (String) t.get("observation"), decimal(t.get("fraction")));
  }

  /** An instant as written in its own UTC offset; a date-only value stays a date. */
  private static String instant(DateTime d) {
    if (d == null) {
      return null;
    }
    if (d.getPrecision().toDateTimeIndex() <= org.opencds.cqf.cql.engine.runtime.Precision.DAY.toDateTimeIndex()) {
      return d.getDateTime().toLocalDate().toString();
    }
    return d.getDateTime().toString();
  }

  /** Plain, trailing-zero-free decimals: 0.99000000 is written 0.99, 1265 stays 1265. */
  static BigDecimal decimal(Object o) {
    if (o == null) {
      return null;
    }
    var d = ((BigDecimal) o).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    for (Object s : iterable(o)) {
      out.add((String) s);
    }
    return out;
  }

  static Map<String, Object> elements(Object o) {
    return ((Tuple) o).getElements();
  }

  static Iterable<?> iterable(Object o) {
    return o == null ? List.of() : (Iterable<?>) o;
  }
}
