package carac.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Calendar;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BaseDateTimeType;

/**
 * Moves every date and time of a story by whole calendar days, so the story's as-of moment becomes its
 * latest occurrence that is already past (today at the story's time of day, or yesterday before it): a
 * record dated after "now" would be a result from the future, which the evaluation rightly ignores.
 * Whole days keep each record's time of day, UTC offset and precision, and so every day-since-infusion
 * number and every rule of the story stays as the clinical reference worked it out.
 */
final class DateShifter {

  private final FhirTerser terser;

  DateShifter(FhirContext context) {
    this.terser = context.newTerser();
  }

  /** The most whole days the as-of moment can move without passing the clock's now. */
  static long daysToLatestPast(OffsetDateTime asOf, java.time.Clock clock) {
    return Math.floorDiv(Duration.between(asOf.toInstant(), clock.instant()).toSeconds(), Duration.ofDays(1).toSeconds());
  }

  void shift(IBaseResource resource, long days) {
    if (days == 0) {
      return;
    }
    for (BaseDateTimeType value : terser.getAllPopulatedChildElementsOfType(resource, BaseDateTimeType.class)) {
      if (value.getValue() != null) {
        // add() keeps precision and time zone; day arithmetic in the value's own calendar
        value.add(Calendar.DATE, Math.toIntExact(days));
      }
    }
  }
}
