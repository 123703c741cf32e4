package carac.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Calendar;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BaseDateTimeType;

/**
 * Moves every date and time of a story by whole calendar days, so the story's as-of day becomes today.
 * Whole days keep each record's time of day, UTC offset and precision, and so every day-since-infusion
 * number and every rule of the story stays as the clinical reference worked it out.
 */
final class DateShifter {

  private final FhirTerser terser;

  DateShifter(FhirContext context) {
    this.terser = context.newTerser();
  }

  /** Whole days from the as-of date (in its own offset) to today's date in that same offset. */
  static long daysToToday(OffsetDateTime asOf, java.time.Clock clock) {
    LocalDate today = clock.instant().atOffset(asOf.getOffset()).toLocalDate();
    return ChronoUnit.DAYS.between(asOf.toLocalDate(), today);
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
