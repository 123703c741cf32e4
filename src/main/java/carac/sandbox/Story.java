package carac.sandbox;

import java.time.OffsetDateTime;

/**
 * One synthetic patient story as loaded into the sandbox.
 *
 * @param name the story's folder name, e.g. {@code tc-02-crs-dic-tocilizumab}
 * @param patientId the id of its Patient
 * @param asOf the story's as-of instant after the shift (today's date)
 * @param shiftDays how many days its dates were moved
 */
public record Story(
    String name, String title, String description, String patientId, OffsetDateTime asOf, long shiftDays) {}
