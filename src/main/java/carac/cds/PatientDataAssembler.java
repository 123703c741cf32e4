package carac.cds;

import carac.cql.CaracEvaluation.DataQualityIssue;
import carac.fhir.FetchResult;
import carac.fhir.PatientDataFetcher;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.http.HttpStatus;

/**
 * Gathers one patient's data for a hook call: what the prefetch holds, and for every key that is absent or
 * failed, the same query run against {@code fhirServer} with the caller's token. The result names every key
 * that could not be obtained. No Patient, or no clinical data at all: 412.
 */
public final class PatientDataAssembler {

  /** The gathered data; {@code bundle} has the Patient first and no duplicates (by type and id). */
  public record Gathered(Bundle bundle, List<Unavailable> unavailable, List<DataQualityIssue> dataQuality, int callbacks,
      Map<String, List<Resource>> byKey, Map<String, FetchResult.Reason> causes) {}

  /** How long each part took, for the phase timers. */
  public interface PhaseClock {
    <T> T time(String phase, java.util.function.Supplier<T> work);

    /** {@code timed}, also writing each phase's microseconds into {@code spent} (for the hook's log line). */
    static PhaseClock recording(PhaseClock timed, java.util.Map<String, Long> spent) {
      return new PhaseClock() {
        @Override
        public <T> T time(String phase, java.util.function.Supplier<T> work) {
          long start = System.nanoTime();
          try {
            return timed.time(phase, work);
          } finally {
            spent.put(phase, (System.nanoTime() - start) / 1000);
          }
        }
      };
    }
  }

  private final PrefetchTemplates templates;
  private final PrefetchReader reader;
  private final PatientDataFetcher fetcher;

  public PatientDataAssembler(PrefetchTemplates templates, PrefetchReader reader, PatientDataFetcher fetcher) {
    this.templates = templates;
    this.reader = reader;
    this.fetcher = fetcher;
  }

  /** Every key of the templates. */
  public Gathered gather(HookRequest request, LocalDate today, PhaseClock clock) {
    return gather(request, today, clock, templates.templates().keySet(), null);
  }

  /**
   * The lean path (issue 15): first only the keys that decide whether the patient has a CAR-T course; when they
   * are all there and {@code hasCourse} says no, nothing more is read or fetched and the result is empty (the
   * hook answers without cards). Otherwise (a course, or the course cannot be decided because a course key is
   * unavailable) the remaining keys are gathered too and the whole data returned, as {@link #gather(HookRequest,
   * LocalDate, PhaseClock)} would.
   */
  public java.util.Optional<Gathered> gatherIfCourse(HookRequest request, LocalDate today, PhaseClock clock,
      java.util.function.Predicate<Gathered> hasCourse) {
    Gathered course = gather(request, today, clock, templates.courseKeys(), null);
    if (course.unavailable().isEmpty() && !clock.time("course-check", () -> hasCourse.test(course))) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(gather(request, today, clock, templates.templates().keySet(), course));
  }

  /** The given keys; those an {@code earlier} gather already holds are taken from it, not read again. */
  private Gathered gather(HookRequest request, LocalDate today, PhaseClock clock, Set<String> keys, Gathered earlier) {
    Map<String, List<Resource>> data = new LinkedHashMap<>();
    Map<String, String> missing = new LinkedHashMap<>();
    clock.time("prefetch-parse", () -> {
      for (String key : keys) {
        if (earlier != null && earlier.byKey().containsKey(key)) {
          data.put(key, earlier.byKey().get(key));
          continue;
        }
        var failedBefore = earlier == null ? null
            : earlier.unavailable().stream().filter(u -> u.key().equals(key)).findFirst().orElse(null);
        if (failedBefore != null) {
          missing.put(key, failedBefore.reason()); // already tried (prefetch and call-back): not fetched twice
          continue;
        }
        JsonNode value = request.prefetch().get(key);
        var read = reader.read(value, request.prefetch().containsKey(key));
        if (read.state() == PrefetchReader.State.DATA && (!key.equals(PrefetchTemplates.PATIENT_KEY)
            || holdsPatient(read.resources(), request.patientId()))) {
          data.put(key, read.resources());
        } else {
          missing.put(key, read.state() == PrefetchReader.State.DATA ? "prefetched Patient is not context.patientId" : read.reason());
        }
      }
      return null;
    });

    Map<String, FetchResult.Reason> causes = new LinkedHashMap<>();
    if (earlier != null) {
      earlier.causes().forEach((key, cause) -> {
        if (keys.contains(key)) {
          causes.put(key, cause);
        }
      });
    }
    int callbacks = 0;
    Set<String> toFetch = new LinkedHashSet<>(missing.keySet());
    if (earlier != null) {
      earlier.unavailable().forEach(u -> toFetch.remove(u.key()));
    }
    if (!toFetch.isEmpty() && request.fhirServer() != null) {
      Map<String, String> queries = new LinkedHashMap<>();
      Map<String, String> context = Map.of("patientId", request.patientId());
      for (String key : toFetch) {
        queries.put(key, PrefetchTemplates.resolve(templates.templates().get(key), context, today));
      }
      callbacks = queries.size();
      Map<String, FetchResult> fetched =
          clock.time("callbacks", () -> fetcher.fetch(request.fhirServer(), request.accessToken(), queries));
      for (var e : fetched.entrySet()) {
        if (e.getValue() instanceof FetchResult.Success ok
            && (!e.getKey().equals(PrefetchTemplates.PATIENT_KEY) || holdsPatient(ok.resources(), request.patientId()))) {
          data.put(e.getKey(), ok.resources());
          missing.remove(e.getKey());
        } else if (e.getValue() instanceof FetchResult.Failure f) {
          missing.put(e.getKey(), f.detail());
          causes.put(e.getKey(), f.reason());
        } else {
          missing.put(e.getKey(), "the FHIR server returned another Patient");
        }
      }
    } else if (!toFetch.isEmpty()) {
      toFetch.forEach(k -> missing.put(k, missing.get(k) + "; no fhirServer to fetch it from"));
    }

    if (!data.containsKey(PrefetchTemplates.PATIENT_KEY)) {
      throw new DataUnavailableException("not-found",
          "the Patient could not be obtained (" + missing.get(PrefetchTemplates.PATIENT_KEY) + ")", causes);
    }
    boolean everyKey = keys.equals(templates.templates().keySet());
    if (everyKey && data.size() == 1 && keys.size() > 1) {
      throw new DataUnavailableException("incomplete",
          "none of the patient's clinical data could be obtained ("
              + String.join("; ", new LinkedHashSet<>(missing.values())) + ")", causes);
    }
    List<Unavailable> unavailable = new ArrayList<>();
    missing.forEach((k, v) -> unavailable.add(new Unavailable(k, v)));
    return assemble(request.patientId(), data, unavailable, callbacks + (earlier == null ? 0 : earlier.callbacks()), causes);
  }

  /** 412: the data cannot be obtained; {@code causes} says why per key that was fetched and failed. */
  public static final class DataUnavailableException extends CdsException {
    private final Map<String, FetchResult.Reason> causes;

    DataUnavailableException(String issueCode, String message, Map<String, FetchResult.Reason> causes) {
      super(HttpStatus.PRECONDITION_FAILED, issueCode, message);
      this.causes = Map.copyOf(causes);
    }

    public Map<String, FetchResult.Reason> causes() {
      return causes;
    }
  }

  private static Gathered assemble(String patientId, Map<String, List<Resource>> data, List<Unavailable> unavailable,
      int callbacks, Map<String, FetchResult.Reason> causes) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
    Set<String> seen = new LinkedHashSet<>();
    List<DataQualityIssue> issues = new ArrayList<>();
    Patient patient = (Patient) data.get(PrefetchTemplates.PATIENT_KEY).stream()
        .filter(r -> r instanceof Patient p && patientId.equals(p.getIdElement().getIdPart())).findFirst().orElseThrow();
    add(bundle, seen, patient);
    for (var resources : data.values()) {
      for (Resource r : resources) {
        if (r instanceof Patient p && !patientId.equals(p.getIdElement().getIdPart())) {
          issues.add(new DataQualityIssue("Patient", "other-patient", "record for another patient: ignored, never shown"));
        } else if (!(r instanceof Patient)) {
          add(bundle, seen, r);
        }
      }
    }
    return new Gathered(bundle, List.copyOf(unavailable), List.copyOf(issues), callbacks, Map.copyOf(data), Map.copyOf(causes));
  }

  private static void add(Bundle bundle, Set<String> seen, Resource r) {
    String key = r.fhirType() + "/" + r.getIdElement().getIdPart();
    if (r.getIdElement().getIdPart() == null || seen.add(key)) {
      bundle.addEntry().setResource(r);
    }
  }

  private static boolean holdsPatient(List<Resource> resources, String patientId) {
    return resources.stream().anyMatch(r -> r instanceof Patient p && patientId.equals(p.getIdElement().getIdPart()));
  }
}
