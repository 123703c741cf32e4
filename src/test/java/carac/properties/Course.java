package carac.properties;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Predicate;

/**
 * A generated CAR-T course before it is written as FHIR: every record says its day (relative to day 0),
 * time and UTC offset, and lab values are exact canonical decimals. {@link CourseWriter} turns it into a
 * Bundle; the properties write the same course in different ways (ids, units, dates, order) and compare.
 */
record Course(String patientKey, LocalDate day0, ZoneOffset offset, int asOfDay, LocalTime asOfTime,
    List<Item> items) {

  /** A record of the course; {@code key} is stable and becomes the resource id unless renamed. */
  sealed interface Item permits Lab, CarT, Medication, Condition, Clinical {
    String key();

    int day();

    /** The record's own offset (usually the course's; sometimes another, as written by another system). */
    ZoneOffset offset();
  }

  /** What can be wrong with a lab result (P2, P10). */
  enum Quirk { NONE, DATA_ABSENT, DATA_ABSENT_WITH_VALUE, COMPARATOR, TEXT_UNIT, UNKNOWN_CODE, NO_UNIT, DATE_ONLY }

  /**
   * A laboratory Observation: {@code value} and {@code uln} in the canonical unit (uln null = no reference
   * range), written in unit {@code unit} (an index into {@link Analyte#units}), range in {@code rangeUnit}.
   */
  record Lab(String key, Analyte analyte, int loinc, int day, LocalTime time, ZoneOffset offset, String status,
      BigDecimal value, int unit, Quirk quirk, BigDecimal uln, int rangeUnit) implements Item {
    Lab withUnits(int newUnit, int newRangeUnit) {
      return new Lab(key, analyte, loinc, day, time, offset, status, value, newUnit, quirk, uln, newRangeUnit);
    }
  }

  /** A CAR-T administration: {@code form} 0 = RxNorm MedicationAdministration, 1 = NDC, 2 = CPT Procedure. */
  record CarT(String key, int day, LocalTime time, ZoneOffset offset, int form, String status) implements Item {}

  /** Tocilizumab, lymphodepletion or a steroid (RxNorm ingredient). */
  record Medication(String key, String rxnorm, int day, LocalTime time, ZoneOffset offset, String status)
      implements Item {}

  /** The kinds of clinical event the CQL reads. */
  enum EventKind { CRS, ICANS, BLEEDING, THROMBOSIS }

  /**
   * A CRS/ICANS/bleeding/thrombosis record: a Condition, or for bleeding and thrombosis an R4 AdverseEvent
   * when {@code adverseEvent}. {@code grade} is the CTCAE grade (null = not documented) for events; for
   * CRS/ICANS the code carries the grade (null = unknown-grade code).
   */
  record Condition(String key, EventKind kind, String system, String code, int day, LocalTime time,
      ZoneOffset offset, Integer grade, Boolean isthMajor, Integer abatementDay, String verification,
      boolean adverseEvent, String actuality) implements Item {}

  /** A CDSS clinical item Observation (P5). */
  record Clinical(String key, String item, int day, LocalTime time, ZoneOffset offset, boolean value,
      String status) implements Item {}

  /** Short: jqwik prints the sample of a failure; the full course is in the reproduction folder. */
  @Override
  public String toString() {
    return "Course[" + patientKey + ", day 0 " + day0 + " " + offset + ", as-of day " + asOfDay + " " + asOfTime
        + ", " + items.size() + " records]";
  }

  Course withItems(List<Item> newItems) {
    return new Course(patientKey, day0, offset, asOfDay, asOfTime, List.copyOf(newItems));
  }

  Course without(Predicate<Item> removed) {
    return withItems(items.stream().filter(removed.negate()).toList());
  }
}
