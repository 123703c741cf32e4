package carac.cql;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The result of one evaluation: one patient at one as-of instant. Field names are the contract of the
 * {@code evaluate} output, the CDS service and the app. {@code cardData} is the CQL "Card Data" tuple
 * (which rules fire at the as-of day and the values behind them) for the card layer; not serialised. {@code infusionDate} and {@code asOfDay} are
 * null when no CAR-T infusion was found (then {@code days} is empty). {@code baseline} holds the
 * pre-lymphodepletion values and the risk scores computed from them (clinical-reference.md §6). {@code course}
 * holds what spans the course so far, three-valued (null = not evaluable, with the unknown inputs named): the
 * peak CW-grade and its lower bound, R-THR and R-BLD (clinical-reference.md §3.4, §7.3, §7.4).
 * {@code window}, {@code peakWindow}, {@code series} and {@code events} are the SMART app's chart data
 * (CQL library CaracChart); the spans are null without an infusion, and labels are worded by the card layer.
 */
public record CaracEvaluation(
    String patient,
    String asOf,
    String infusionDate,
    Integer asOfDay,
    DayRange window,
    DayRange peakWindow,
    List<Day> days,
    List<Series> series,
    List<Event> events,
    Map<String, Object> baseline,
    Map<String, Object> course,
    List<DataQualityIssue> dataQuality,
    List<Object> cards,
    @JsonIgnore Map<String, Object> cardData) {

  /** The same evaluation with its cards filled in (the card layer renders them from {@link #cardData}). */
  public CaracEvaluation withCards(List<Object> rendered) {
    return new CaracEvaluation(patient, asOf, infusionDate, asOfDay, window, peakWindow, days, series, events,
        baseline, course, dataQuality, List.copyOf(rendered), cardData);
  }

  /** The same evaluation with the chart's series and events worded (labels, ratio unit) by the card layer. */
  public CaracEvaluation withChart(List<Series> wordedSeries, List<Event> wordedEvents) {
    return new CaracEvaluation(patient, asOf, infusionDate, asOfDay, window, peakWindow, days,
        List.copyOf(wordedSeries), List.copyOf(wordedEvents), baseline, course, dataQuality, cards, cardData);
  }

  /** Days since infusion, both ends included. */
  public record DayRange(int first, int last) {}

  /**
   * A charted analyte (a key of {@link Day#values}): {@code scale} names the plotted field of its LabValue
   * ({@code value}, {@code prolongation} or {@code ratio}) and {@code unit} its UCUM unit as the CQL
   * normalises it (null for a ratio until worded). Each threshold is one line at one CQL cut-off.
   */
  public record Series(String analyte, String label, String scale, String unit, List<Threshold> thresholds) {}

  /** One line: a cut-off value and every rule that reads it ({@code criteria}), worded into {@code label}. */
  public record Threshold(BigDecimal value, String label, String source, @JsonIgnore List<Criterion> criteria) {}

  /** A rule reading a cut-off: rule id, how the value compares when it counts ("<", "≥", ">"), points or null. */
  public record Criterion(String rule, String comparator, Integer points, String source) {}

  /**
   * A treatment or toxicity on the chart's day axis; {@code resource} is "Type/id" of its record, {@code grade}
   * the grade the record states (CRS/ICANS grade, documented CTCAE grade), {@code name} what {@code label} words.
   */
  public record Event(String kind, int day, String date, String label, Integer grade, String resource,
      @JsonIgnore String name) {}

  /**
   * One table day (day -7 ... min(as-of day, 28)). {@code cwGrade} is the provisional CW-grade (§3.4), null
   * outside the CARAC window and when it is not assessable (R-COAG not evaluable and no event grade of 3 or
   * more); {@code cwGradeAtLeast} is then its lower bound (equal to {@code cwGrade} when that is known).
   * {@code unreadable} lists the analytes with a result that day that could not be read (§7.2): those
   * days' items may be indeterminate. {@code rules} keeps its three-valued entries as JSON null ("not
   * evaluable"), never dropped, with the names of the unknown inputs beside them.
   */
  public record Day(
      int day,
      String date,
      boolean inCaracWindow,
      Score isth,
      Score cdss,
      Integer cwGrade,
      Integer cwGradeAtLeast,
      Map<String, LabValue> values,
      @JsonInclude(JsonInclude.Include.NON_NULL) PlateletFall plateletFall24h,
      List<String> unreadable,
      Map<String, Object> rules) {}

  /** A DIC score with the §7.3 status; {@code items} maps each item to its points (null = missing). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Score(
      String status,
      int points,
      int maxPossible,
      int threshold,
      List<String> missing,
      @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Integer> items,
      List<String> notDocumented) {}

  /** The worst-of-day value of one analyte in its canonical UCUM unit, with where it came from. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LabValue(
      BigDecimal value,
      String unit,
      String observation,
      String effective,
      BigDecimal uln,
      String ulnSource,
      BigDecimal ratio,
      BigDecimal prolongation,
      String basis,
      BigDecimal reportedValue,
      String reportedUnit) {}

  /**
   * The CDSS 24-h platelet fall of the day (§4.3, clarified 2026-12): the day's count with the largest fall
   * ({@code observation}) against the highest count in its preceding 24 h, and the fall as a fraction.
   */
  public record PlateletFall(BigDecimal current, BigDecimal previous, String previousObservation, String observation,
      BigDecimal fraction) {}

  /** A record that could not be interpreted, with a stable code and plain words. */
  public record DataQualityIssue(String resource, String code, String problem) {}
}
