package carac.cards;

import carac.cards.CardAssembler.RuleText;
import carac.cql.CaracEvaluation;
import carac.cql.CaracEvaluation.LabValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Reads the CQL "Card Data" of one evaluation and words each fired rule. */
final class CardFacts {

  private final CaracEvaluation evaluation;
  private final Map<String, Object> data;
  private final CardText text;

  CardFacts(CaracEvaluation evaluation, Map<String, Object> data, CardText text) {
    this.evaluation = evaluation;
    this.data = data;
    this.text = text;
  }

  RuleText render(CardRule rule) {
    return switch (rule) {
      case DIC -> dic();
      case DIC_MGMT -> dicManagement();
      case FIB -> fibrinogen();
      case STEROID -> steroid();
      case ALT -> alt();
      case TOCI_MON -> tocilizumabMonitoring();
      case MON -> monitoring();
      case PEAK -> new RuleText(text.get("r-peak.summary", evaluation.asOfDay(), threshold("peakFirstDay"),
          threshold("peakLastDay")), text.get("r-peak.detail"), null);
      case THR -> thrombosis();
      case BLD -> bleeding();
      case HT -> hematotox();
    };
  }

  // ---- per-day rules ---------------------------------------------------------------------------------

  private RuleText dic() {
    var day = map(data.get("dicDay"));
    var scored = scored(day);
    var isth = map(scored.get("isth"));
    var cdss = map(scored.get("cdss"));
    int d = dayNumber(scored);
    String summary = text.get("r-dic.summary", d, isth.get("points"), status(isth), cdss.get("points"), status(cdss));
    String detail = text.get("r-dic.detail", d)
        + "\n\n" + scoreLine("isth", isth) + "\n" + scoreLine("cdss", cdss)
        + "\n\n" + quotes(scored, d, "platelets", "pt", "aptt", "fibrinogen", "dDimer");
    return new RuleText(summary, detail, d);
  }

  private RuleText dicManagement() {
    var day = map(data.get("dicDay"));
    var rules = map(day.get("rules"));
    var scored = scored(day);
    int d = dayNumber(scored);
    boolean suppressed = Boolean.TRUE.equals(rules.get("lmwhSuppressed"));
    List<String> reasons = new ArrayList<>();
    for (Object reason : list(rules.get("lmwhSuppressedBecause"))) {
      switch ((String) reason) {
        case "platelets" -> reasons.add(text.get("r-dic-mgmt.reason.platelets",
            quantityMarkdown(values(scored).get("platelets")), threshold("lmwhPlatelets")));
        case "platelets-unknown" -> reasons.add(text.get("r-dic-mgmt.reason.platelets-unknown", d));
        default -> reasons.add(text.get("r-dic-mgmt.reason.bleeding", String.join(", ", markdown(rules.get("recentBleeding"))),
            threshold("lmwhBleedingLookbackDays")));
      }
    }
    String lmwh = suppressed
        ? text.get("r-dic-mgmt.lmwh.suppressed", String.join("; ", reasons))
        : text.get("r-dic-mgmt.lmwh.shown");
    String summary = text.get(suppressed ? "r-dic-mgmt.summary.suppressed" : "r-dic-mgmt.summary", d);
    String detail = text.get("r-dic-mgmt.detail") + "\n\n" + lmwh
        + "\n\n" + quotes(scored, d, "platelets", "fibrinogen");
    return new RuleText(summary, detail, d);
  }

  private RuleText fibrinogen() {
    var scored = scored(map(data.get("lowFibrinogenDay")));
    int d = dayNumber(scored);
    LabValue fib = (LabValue) values(scored).get("fibrinogen");
    String summary = text.get("r-fib.summary", quantity(fib), d, threshold("lowFibrinogen"));
    String detail = text.get("r-fib.detail") + "\n\n" + quotes(scored, d, "fibrinogen");
    List<String> toci = strings(data.get("tocilizumabContext"));
    if (!toci.isEmpty()) {
      detail += "\n\n" + text.get("r-toci.context", String.join(", ", markdown(toci))) + " " + text.get("r-toci.source");
    }
    return new RuleText(summary, detail, d);
  }

  private RuleText steroid() {
    var day = map(data.get("steroidDay"));
    var rules = map(day.get("rules"));
    var scored = scored(day);
    int d = dayNumber(scored);
    List<String> reasons = strings(scored.get("coagulopathyReasons")).stream()
        .map(r -> text.get("coag." + r)).toList();
    String summary = text.get("r-steroid.summary", rules.get("crsGrade"), d);
    String detail = text.get("r-steroid.detail", rules.get("crsGrade"), threshold("steroidCrsGrade"),
        reasons.isEmpty() ? text.get("coag.previous-day") : String.join(", ", reasons))
        + "\n\n" + quotes(scored, d, "platelets", "pt", "aptt", "fibrinogen");
    return new RuleText(summary, detail, d);
  }

  private RuleText alt() {
    var scored = scored(map(data.get("altDay")));
    int d = dayNumber(scored);
    LabValue alt = (LabValue) values(scored).get("alt");
    String summary = text.get("r-alt.summary", quantity(alt), CardText.number(alt.ratio()), d, threshold("altMultiple"));
    return new RuleText(summary, text.get("r-alt.detail") + "\n\n" + quotes(scored, d, "alt"), d);
  }

  // ---- reminders and risk ------------------------------------------------------------------------------

  private RuleText tocilizumabMonitoring() {
    var doses = list(data.get("tocilizumabWithoutFibrinogen"));
    var first = map(doses.get(0));
    StringBuilder detail = new StringBuilder(text.get("r-toci-mon.detail"));
    for (Object o : doses) {
      var dose = map(o);
      detail.append("\n- ").append(text.get("r-toci-mon.dose", dose.get("onsetDay"), RecordText.markdown(dose.get("onDate")),
          RecordText.markdown(dose.get("resource"))));
    }
    return new RuleText(text.get("r-toci-mon.summary", first.get("onsetDay")), detail.toString(), null);
  }

  private RuleText monitoring() {
    List<String> days = new ArrayList<>();
    StringBuilder detail = new StringBuilder(text.get("r-mon.detail", threshold("monitoringFirstDay"),
        threshold("monitoringLastDay")));
    for (Object o : list(data.get("monitoringGaps"))) {
      var gap = map(o);
      days.add(String.valueOf(gap.get("dayNumber")));
      List<String> missing = strings(gap.get("missing")).stream().map(m -> text.get("test." + m)).toList();
      detail.append("\n- ").append(text.get("r-mon.day", gap.get("dayNumber"), RecordText.markdown(gap.get("onDate")),
          String.join(", ", missing)));
      if (Boolean.TRUE.equals(gap.get("inrOnly"))) {
        detail.append(" ").append(text.get("r-mon.inr-only"));
      }
    }
    return new RuleText(text.get("r-mon.summary", String.join(", ", days)), detail.toString(), null);
  }

  private RuleText thrombosis() {
    var f = map(data.get("thrombosisFactors"));
    List<String> factors = new ArrayList<>();
    StringBuilder detail = new StringBuilder(text.get("r-thr.detail", threshold("thrombosisRiskLastDay")));
    addIcansFactor(list(f.get("icans")), factors, detail);
    var dd = list(f.get("dDimerDays"));
    if (!dd.isEmpty()) {
      var worst = dd.stream().map(CardFacts::map)
          .max((a, b) -> ((LabValue) a.get("result")).ratio().compareTo(((LabValue) b.get("result")).ratio())).orElseThrow();
      LabValue v = (LabValue) worst.get("result");
      factors.add(text.get("r-thr.factor.d-dimer.short", CardText.number(v.ratio())));
      detail.append("\n- ").append(text.get("r-thr.factor.d-dimer", threshold("thrombosisDDimerRatio")))
          .append("\n  ").append(CardAssembler.quote(text, "dDimer", v, worst.get("dayNumber")));
    }
    if (f.get("baselinePlatelets") instanceof LabValue plt) {
      factors.add(text.get("r-thr.factor.platelets.short", quantity(plt)));
      detail.append("\n- ").append(text.get("r-thr.factor.platelets", threshold("baselinePlatelets")))
          .append("\n  ").append(CardAssembler.quote(text, "platelets", plt, dayOf(plt)));
    }
    var consumptive = list(f.get("consumptiveDays"));
    if (!consumptive.isEmpty()) {
      var day = map(consumptive.get(consumptive.size() - 1));
      factors.add(text.get("r-thr.factor.consumptive.short", day.get("dayNumber")));
      detail.append("\n- ").append(text.get("r-thr.factor.consumptive", threshold("thrombosisFibrinogen"),
              threshold("thrombosisPtSeconds")))
          .append("\n  ").append(CardAssembler.quote(text, "fibrinogen", (LabValue) day.get("fibrinogen"), day.get("dayNumber")))
          .append("\n  ").append(CardAssembler.quote(text, "pt", (LabValue) day.get("pt"), day.get("dayNumber")));
    }
    return new RuleText(text.get("r-thr.summary", String.join("; ", factors)), detail.toString(), null);
  }

  private RuleText bleeding() {
    var f = map(data.get("bleedingFactors"));
    var baseline = map(data.get("baseline"));
    List<String> factors = new ArrayList<>();
    StringBuilder detail = new StringBuilder(text.get("r-bld.detail", threshold("windowLastDay")));
    if (f.get("easix") != null) {
      factors.add(text.get("r-bld.factor.easix.short", CardText.number(f.get("easix"))));
      detail.append("\n- ").append(text.get("r-bld.factor.easix", CardText.number(f.get("easix")), threshold("easixBleeding")));
    }
    if (f.get("il10") instanceof LabValue il10) {
      factors.add(text.get("r-bld.factor.il10.short", quantity(il10)));
      detail.append("\n- ").append(text.get("r-bld.factor.il10", threshold("il10Bleeding")))
          .append("\n  ").append(CardAssembler.quote(text, "il10", il10, dayOf(il10)));
    }
    if (f.get("baselinePlatelets") instanceof LabValue plt) {
      factors.add(text.get("r-bld.factor.platelets.short", quantity(plt)));
      detail.append("\n- ").append(text.get("r-bld.factor.platelets", threshold("baselinePlatelets")))
          .append("\n  ").append(CardAssembler.quote(text, "platelets", plt, dayOf(plt)));
    }
    addIcansFactor(list(f.get("icans")), factors, detail);
    if (Boolean.TRUE.equals(baseline.get("easixAboveEndothelialCutoff"))) {
      detail.append("\n\n").append(text.get("r-bld.kor22", CardText.number(baseline.get("easix")),
          threshold("easixEndothelial")));
    }
    if (baseline.get("wangx23Group") != null) {
      detail.append("\n\n").append(text.get("r-bld.group." + baseline.get("wangx23Group")));
    } else {
      detail.append("\n\n").append(text.get("r-bld.group.unavailable"));
    }
    if (Boolean.TRUE.equals(baseline.get("timingUncertain"))) {
      detail.append("\n\n").append(text.get("baseline.timing-uncertain", threshold("baselineFirstDay"),
          threshold("baselineLastDay")));
    }
    return new RuleText(text.get("r-bld.summary", String.join("; ", factors)), detail.toString(), null);
  }

  private RuleText hematotox() {
    var ht = map(map(data.get("baseline")).get("carHematotox"));
    StringBuilder detail = new StringBuilder(text.get("r-ht.detail", threshold("hematotoxHighRisk")));
    for (Object o : list(ht.get("items"))) {
      var item = map(o);
      detail.append("\n- ").append(text.get("r-ht.item", text.get("analyte." + item.get("item")), item.get("points")));
    }
    return new RuleText(text.get("r-ht.summary", ht.get("points")), detail.toString(), null);
  }

  /** ICANS >= 3 is a factor of both risk cards (JOHN21); the first onset is quoted. */
  private void addIcansFactor(List<Object> icans, List<String> factors, StringBuilder detail) {
    if (icans.isEmpty()) {
      return;
    }
    var first = map(icans.get(0));
    factors.add(text.get("r-thr.factor.icans.short", first.get("grade")));
    detail.append("\n- ").append(text.get("r-thr.factor.icans", first.get("grade"), first.get("onsetDay"),
        RecordText.markdown(first.get("resource")), threshold("highGradeIcans")));
  }

  // ---- shared lines ----------------------------------------------------------------------------------

  String gradeLine(Integer day) {
    int d = day == null ? evaluation.asOfDay() : day;
    var graded = evaluation.days().stream().filter(x -> x.day() == d).findFirst().orElse(null);
    String line = text.get("grade.line", text.get("grade.label"), graded == null ? "?" : grade(graded), d,
        data.get("peakCwGrade") != null ? data.get("peakCwGrade")
            : text.get("grade.at-least", data.get("peakCwGradeAtLeast")));
    if (graded != null && graded.rules() != null && Boolean.TRUE.equals(graded.rules().get("dicNotAssessable"))) {
      var isth = graded.isth();
      line += " " + text.get("grade.dic-not-assessable") + " " + text.get("grade.isth-incomplete",
          String.join(", ", isth.missing().stream().map(m -> text.get("item." + m)).toList()), isth.points());
    }
    return line;
  }

  /** The day's CW-grade, or "not assessable (at least N; not evaluable: ...)" (§3.4 clarified 2026-12). */
  private String grade(CaracEvaluation.Day graded) {
    if (graded.cwGrade() != null) {
      return String.valueOf(graded.cwGrade());
    }
    var unknown = strings(graded.rules() == null ? null : graded.rules().get("coagulopathyUnknownInputs"));
    return text.get("grade.unknown", graded.cwGradeAtLeast(),
        String.join(", ", unknown.stream().map(i -> text.get("input." + i)).toList()));
  }

  String dataQualityLines() {
    if (evaluation.dataQuality().isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("\n\n").append(text.get("dq.title"));
    long later = 0;
    for (var issue : evaluation.dataQuality()) {
      if ("future-dated".equals(issue.code())) {
        later++; // results not yet known at the as-of time: one count, not one line each (P10)
        continue;
      }
      // data-quality wording may quote the record (a unit, a code): escaped like every record string
      out.append("\n- ").append(RecordText.markdown(issue.problem()))
          .append(issue.resource() == null ? "" : " (" + RecordText.markdown(issue.resource()) + ")");
    }
    if (later > 0) {
      out.append("\n- ").append(text.get("dq.future", later));
    }
    return out.toString();
  }

  private String scoreLine(String score, Map<String, Object> s) {
    List<String> items = new ArrayList<>();
    for (Object o : list(s.get("items"))) {
      var item = map(o);
      items.add(text.get("item." + item.get("item")) + " " + (item.get("points") == null ? "?" : item.get("points")));
    }
    String line = text.get(score + ".line", s.get("points"), s.get("threshold"), status(s), String.join(", ", items));
    List<String> missing = strings(s.get("missing"));
    if (!missing.isEmpty()) {
      line += " " + text.get("score.missing", String.join(", ", missing.stream().map(m -> text.get("item." + m)).toList()));
    }
    if (!strings(s.get("notDocumented")).isEmpty()) {
      line += " " + text.get("cdss.not-documented");
    }
    return line;
  }

  private String quotes(Map<String, Object> scored, int day, String... analytes) {
    var values = values(scored);
    List<String> lines = new ArrayList<>();
    for (String a : analytes) {
      lines.add(CardAssembler.quote(text, a, (LabValue) values.get(a), day));
    }
    return String.join("\n", lines);
  }

  private String status(Map<String, Object> score) {
    return text.get("status." + score.get("status"));
  }

  private String threshold(String name) {
    Object t = map(data.get("thresholds")).get(name);
    if (t instanceof Map<?, ?> q) {
      return DisplayUnits.withUnit(CardText.number(q.get("value")), Objects.toString(q.get("unit"), null), text.locale());
    }
    return Objects.toString(t);
  }

  /** A value with its unit for a summary (plain text: the unit is one capped line). */
  private String quantity(Object v) {
    if (v instanceof LabValue lab) {
      return RecordText.plain(DisplayUnits.withUnit(CardText.number(lab.value()), lab.unit(), text.locale()));
    }
    return "?";
  }

  /** The same for a detail (Markdown). */
  private String quantityMarkdown(Object v) {
    if (v instanceof LabValue lab) {
      return RecordText.markdown(DisplayUnits.withUnit(CardText.number(lab.value()), lab.unit(), text.locale()));
    }
    return "?";
  }

  private static List<String> markdown(Object values) {
    return strings(values).stream().map(RecordText::markdown).toList();
  }

  private Object dayOf(LabValue v) {
    String date = v.effective() == null ? null : v.effective().substring(0, "YYYY-MM-DD".length());
    return evaluation.days().stream().filter(d -> d.date().equals(date)).map(d -> (Object) d.day()).findFirst()
        .orElse(date);
  }

  private static Map<String, Object> scored(Map<String, Object> gradedDay) {
    return map(map(gradedDay.get("rules")).get("scored"));
  }

  private static Map<String, Object> values(Map<String, Object> scored) {
    return map(scored.get("values"));
  }

  private static int dayNumber(Map<String, Object> scored) {
    return (Integer) scored.get("dayNumber");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  static List<String> strings(Object o) {
    return list(o).stream().map(String::valueOf).toList();
  }
}
