package carac.cql;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The result of one evaluation: one patient at one as-of instant. Field names are the contract of the
 * {@code evaluate} output, the CDS service and the app. {@code cardData} is the CQL "Card Data" tuple
 * (which rules fire at the as-of day and the values behind them) for the card layer; not serialised. {@code infusionDate} and {@code asOfDay} are
 * null when no CAR-T infusion was found (then {@code days} is empty). {@code baseline} holds the
 * pre-lymphodepletion values and the risk scores computed from them (clinical-reference.md §6).
 */
public record CaracEvaluation(
    String patient,
    String asOf,
    String infusionDate,
    Integer asOfDay,
    List<Day> days,
    Map<String, Object> baseline,
    List<DataQualityIssue> dataQuality,
    List<Object> cards,
    @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> cardData) {

  /** The same evaluation with its cards filled in (the card layer renders them from {@link #cardData}). */
  public CaracEvaluation withCards(List<Object> rendered) {
    return new CaracEvaluation(patient, asOf, infusionDate, asOfDay, days, baseline, dataQuality, List.copyOf(rendered), cardData);
  }

  /** One table day (day -7 ... min(as-of day, 28)). {@code cwGrade} comes with Clinical core II. */
  public record Day(
      int day,
      String date,
      boolean inCaracWindow,
      Score isth,
      Score cdss,
      Integer cwGrade,
      Map<String, LabValue> values,
      @JsonInclude(JsonInclude.Include.NON_NULL) PlateletFall plateletFall24h,
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

  /** The CDSS 24-h platelet fall inputs: the day's lowest count and the highest in the 24 h before it. */
  public record PlateletFall(BigDecimal current, BigDecimal previous, String previousObservation) {}

  /** A record that could not be interpreted, with a stable code and plain words. */
  public record DataQualityIssue(String resource, String code, String problem) {}
}
