package carac.cds;

import carac.cql.CqlEvaluator;
import carac.cql.CqlEvaluator.DataRequirement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prefetch of {@code carac-patient-view}, derived from what the CQL retrieves
 * ({@link CqlEvaluator#dataRequirements()}), so the two cannot drift:
 *
 * <ul>
 *   <li>{@code patient}: {@code Patient/{{context.patientId}}};
 *   <li>per other resource type, one search by patient: without a code filter when any retrieve of that type
 *       reads every record, else with the union of the retrieves' codes ({@code code=system|code,...});
 *   <li>Observations within the look-back window ({@code date=ge{{today() - N days}}}, the 3.0-ballot
 *       FHIRPath token; N = 0 leaves the window out);
 *   <li>MedicationAdministration with {@code _include} of its Medication when the CQL reads Medication
 *       (Medication is not in the patient compartment).
 * </ul>
 *
 * The same templates drive the service's own call-backs when a key is absent or failed, and the app's
 * fetch, so prefetched and fetched data are the same queries.
 */
public final class PrefetchTemplates {

  static final String PATIENT_KEY = "patient";
  private static final Pattern TOKEN = Pattern.compile("\\{\\{\\s*([^}]+?)\\s*}}");
  private static final Pattern TODAY_MINUS = Pattern.compile("today\\(\\)\\s*-\\s*(\\d+)\\s*days?");
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  /**
   * What discovery advertises: {@code FULL} every key; {@code LEAN} only the keys that decide whether the
   * patient has a CAR-T course (the service fetches the rest itself, for the few patients with a course).
   */
  public enum Profile { FULL, LEAN }

  private final Map<String, String> templates;
  private final List<DataRequirement> requirements;
  private final Set<String> courseKeys;
  private final Profile profile;

  /** Every key advertised; the course check gathers every key first. */
  public PrefetchTemplates(List<DataRequirement> requirements, int lookbackDays) {
    this(requirements, requirements, lookbackDays, Profile.FULL);
  }

  /**
   * @param course the retrieves that decide whether there is a course ({@link CqlEvaluator#courseDataRequirements()})
   */
  public PrefetchTemplates(List<DataRequirement> requirements, List<DataRequirement> course, int lookbackDays, Profile profile) {
    this.requirements = List.copyOf(requirements);
    this.templates = Collections.unmodifiableMap(derive(requirements, lookbackDays));
    this.courseKeys = Collections.unmodifiableSet(courseKeys(course, templates));
    this.profile = profile;
  }

  /** key → template, in a stable order (patient first): every key the service gathers. */
  public Map<String, String> templates() {
    return templates;
  }

  /** What discovery advertises under the configured profile. */
  public Map<String, String> advertised() {
    if (profile == Profile.FULL) {
      return templates;
    }
    Map<String, String> lean = new LinkedHashMap<>();
    templates.forEach((key, template) -> {
      if (courseKeys.contains(key)) {
        lean.put(key, template);
      }
    });
    return Collections.unmodifiableMap(lean);
  }

  /** The keys whose data decide whether the patient has a CAR-T course (patient first). */
  public Set<String> courseKeys() {
    return courseKeys;
  }

  private static Set<String> courseKeys(List<DataRequirement> course, Map<String, String> templates) {
    Set<String> keys = new LinkedHashSet<>();
    keys.add(PATIENT_KEY);
    for (var r : course) {
      // Medication is not in the patient compartment: it comes with the MedicationAdministration key's _include
      String key = keyOf(r.type().equals("Medication") ? "MedicationAdministration" : r.type());
      if (!r.type().equals("Patient")) {
        if (!templates.containsKey(key)) {
          throw new IllegalStateException("the course check reads " + r.type() + ", which no prefetch key holds");
        }
        keys.add(key);
      }
    }
    return keys;
  }

  /** The CQL data requirements the templates were derived from. */
  public List<DataRequirement> requirements() {
    return requirements;
  }

  private static Map<String, String> derive(List<DataRequirement> requirements, int lookbackDays) {
    Map<String, List<DataRequirement>> byType = new TreeMap<>();
    for (var r : requirements) {
      byType.computeIfAbsent(r.type(), t -> new ArrayList<>()).add(r);
    }
    if (!byType.containsKey("Patient")) {
      throw new IllegalStateException("the CQL reads no Patient: cannot derive a prefetch");
    }
    Map<String, String> out = new LinkedHashMap<>();
    out.put(PATIENT_KEY, "Patient/{{context.patientId}}");
    boolean readsMedication = byType.containsKey("Medication");
    for (var entry : byType.entrySet()) {
      String type = entry.getKey();
      if (type.equals("Patient") || type.equals("Medication")) {
        continue; // Medication: not in the patient compartment; comes with _include below
      }
      StringBuilder query = new StringBuilder(type).append(patientSearch(type));
      boolean readsAll = entry.getValue().stream().anyMatch(r -> r.codes().isEmpty());
      if (!readsAll) {
        Set<String> codes = new LinkedHashSet<>();
        for (var r : entry.getValue()) {
          r.codes().forEach(c -> codes.add(c.system() + "|" + c.code()));
        }
        query.append("&code=").append(String.join(",", codes));
      }
      if (type.equals("Observation") && lookbackDays > 0) {
        query.append("&date=ge{{today() - ").append(lookbackDays).append(" days}}");
      }
      if (type.equals("MedicationAdministration") && readsMedication) {
        query.append("&_include=MedicationAdministration:medication");
      }
      out.put(keyOf(type), query.toString());
    }
    if (readsMedication && !byType.containsKey("MedicationAdministration")) {
      throw new IllegalStateException("the CQL reads Medication without MedicationAdministration");
    }
    return out;
  }

  /**
   * The search parameter that names the patient. R4 AdverseEvent has no {@code patient} parameter, only
   * {@code subject} (a reference that may also name a Group), so it gets the typed reference.
   */
  static String patientSearch(String type) {
    return type.equals("AdverseEvent") ? "?subject=Patient/{{context.patientId}}" : "?patient={{context.patientId}}";
  }

  /** {@code MedicationAdministration} → {@code medication-administrations}. */
  static String keyOf(String type) {
    return type.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT) + "s";
  }

  /**
   * The template with its tokens filled in: {@code {{context.patientId}}}, {@code {{context.userId}}},
   * {@code {{context.encounterId}}} and {@code {{today() - N days}}}.
   *
   * @throws IllegalArgumentException on a token it cannot fill or an id that is not a FHIR id
   */
  public static String resolve(String template, Map<String, String> context, LocalDate today) {
    Matcher m = TOKEN.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String token = m.group(1);
      String value;
      Matcher minus = TODAY_MINUS.matcher(token);
      if (minus.matches()) {
        value = today.minusDays(Long.parseLong(minus.group(1))).toString();
      } else if (token.startsWith("context.")) {
        value = context.get(token.substring("context.".length()));
        if (value == null || !FHIR_ID.matcher(value).matches()) {
          throw new IllegalArgumentException("prefetch token " + token + " has no valid value");
        }
      } else {
        throw new IllegalArgumentException("unsupported prefetch token " + token);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
