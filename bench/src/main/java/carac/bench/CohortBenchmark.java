package carac.bench;

import carac.cql.CaracEvaluation;
import carac.cql.CqlEvaluator;
import carac.cql.SiteConfiguration;
import carac.fhir.PatientBundle;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * Cohort benchmark of {@link CqlEvaluator}: generates a seeded synthetic cohort of CAR-T patients
 * from {@code bench/cohort-template.json} (every code, unit and clinical number lives there, none
 * here), then measures start-up (translation, first evaluation), single-threaded per-patient latency
 * after a warm-up, and multi-threaded throughput with one shared evaluator.
 *
 * <p>Options (system property or {@code --name=value} argument): {@code bench.patients} (1000),
 * {@code bench.threads} (2), {@code bench.warmup} (200), {@code bench.seed} (20240108),
 * {@code bench.template}, {@code bench.out}, {@code bench.dump} (write patient #0's bundle as JSON to
 * this file), {@code bench.basedir} (base for the default paths; the Maven profile sets it).
 */
public final class CohortBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final double NANOS_PER_MS = 1e6;

  private CohortBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    Path base = Path.of(opts.getOrDefault("basedir", "."));
    int patients = Integer.parseInt(opts.getOrDefault("patients", "1000"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "2"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "200"));
    long seed = Long.parseLong(opts.getOrDefault("seed", "20240108"));
    Path template = Path.of(opts.getOrDefault("template", base.resolve("bench/cohort-template.json").toString()));
    Path out = Path.of(opts.getOrDefault("out", base.resolve("target/bench-results.json").toString()));

    // ---- cohort ------------------------------------------------------------------------------------
    long g0 = System.nanoTime();
    var generator = new CohortGenerator(JSON.readTree(template.toFile()), seed);
    List<Case> cohort = new ArrayList<>(patients);
    for (int i = 0; i < patients; i++) {
      cohort.add(generator.patient(i));
    }
    double generationMs = ms(System.nanoTime() - g0);
    int[] obsCounts = cohort.stream().mapToInt(Case::observations).sorted().toArray();
    if (opts.containsKey("dump")) {
      String text =
          ca.uhn.fhir.context.FhirContext.forR4Cached()
              .newJsonParser()
              .setPrettyPrint(true)
              .encodeResourceToString(cohort.get(0).patient().bundle());
      Files.writeString(Path.of(opts.get("dump")), text);
    }

    if (opts.containsKey("dump-dir")) { // the cohort as evaluate input (bench/same-results.sh), then stop
      dumpCohort(Path.of(opts.get("dump-dir")), cohort, generator);
      return;
    }

    // ---- (a) start-up --------------------------------------------------------------------------------
    long s0 = System.nanoTime();
    var evaluator = new CqlEvaluator(SiteConfiguration.empty());
    double constructionMs = ms(System.nanoTime() - s0);

    long f0 = System.nanoTime();
    CaracEvaluation first = evaluate(evaluator, cohort.get(0));
    double firstEvaluationMs = ms(System.nanoTime() - f0);

    // ---- (b) warm-up -----------------------------------------------------------------------------------
    long w0 = System.nanoTime();
    for (int i = 0; i < warmup; i++) {
      evaluate(evaluator, cohort.get(i % cohort.size()));
    }
    double warmupMs = ms(System.nanoTime() - w0);

    // ---- (c) single-threaded latency ---------------------------------------------------------------------
    long[] latencies = new long[patients];
    Sanity sanity = new Sanity();
    long c0 = System.nanoTime();
    for (int i = 0; i < patients; i++) {
      long t = System.nanoTime();
      CaracEvaluation r = evaluate(evaluator, cohort.get(i));
      latencies[i] = System.nanoTime() - t;
      sanity.add(r);
    }
    double singleWallMs = ms(System.nanoTime() - c0);
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);

    // ---- (d) throughput with a thread pool, same evaluator ------------------------------------------------
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    double parallelWallMs;
    AtomicInteger failures = new AtomicInteger();
    try {
      List<Future<?>> futures = new ArrayList<>(patients);
      long p0 = System.nanoTime();
      for (Case c : cohort) {
        futures.add(pool.submit(() -> evaluate(evaluator, c)));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          failures.incrementAndGet();
        }
      }
      parallelWallMs = ms(System.nanoTime() - p0);
    } finally {
      pool.shutdown();
    }

    // ---- report --------------------------------------------------------------------------------------------
    ObjectNode result = JSON.createObjectNode();
    result.put("patients", patients);
    result.put("threads", threads);
    result.put("warmupEvaluations", warmup);
    result.put("seed", seed);
    result.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    result.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    result.put("libraryVersion", evaluator.libraryVersion());
    ObjectNode obs = result.putObject("observationsPerPatient");
    obs.put("mean", round(Arrays.stream(obsCounts).average().orElse(0)));
    obs.put("min", obsCounts[0]);
    obs.put("median", obsCounts[obsCounts.length / 2]);
    obs.put("max", obsCounts[obsCounts.length - 1]);
    result.put("cohortGenerationMs", round(generationMs));
    ObjectNode startup = result.putObject("startup");
    startup.put("evaluatorConstructionMs", round(constructionMs));
    startup.put("firstEvaluationMs", round(firstEvaluationMs));
    result.put("warmupMs", round(warmupMs));
    ObjectNode single = result.putObject("singleThread");
    single.put("medianMs", round(ms(quantile(sorted, 0.5))));
    single.put("p90Ms", round(ms(quantile(sorted, 0.9))));
    single.put("p99Ms", round(ms(quantile(sorted, 0.99))));
    single.put("maxMs", round(ms(sorted[sorted.length - 1])));
    single.put("meanMs", round(ms((long) Arrays.stream(latencies).average().orElse(0))));
    single.put("patientsPerSecond", round(patients / (singleWallMs / 1e3)));
    ObjectNode parallel = result.putObject("parallel");
    parallel.put("threads", threads);
    parallel.put("wallMs", round(parallelWallMs));
    parallel.put("patientsPerSecond", round(patients / (parallelWallMs / 1e3)));
    parallel.put("failures", failures.get());
    ObjectNode check = result.putObject("sanity");
    check.put("firstPatientDays", first.days().size());
    check.put("daysTotal", sanity.days);
    check.put("isthMetDays", sanity.isthMet);
    check.put("cdssMetDays", sanity.cdssMet);
    check.put("dataQualityIssues", sanity.issues);
    check.put("patientsWithInfusionDate", sanity.withInfusion);

    Files.createDirectories(out.toAbsolutePath().getParent());
    JSON.writeValue(out.toFile(), result);
    System.out.println(text(result, out));
  }

  private static CaracEvaluation evaluate(CqlEvaluator evaluator, Case c) {
    PatientBundle p = c.patient();
    return evaluator.evaluate(p.bundle(), p.patientId(), c.asOf(), p.dataQuality());
  }

  private static String text(ObjectNode r, Path out) {
    var s = r.get("startup");
    var one = r.get("singleThread");
    var par = r.get("parallel");
    var obs = r.get("observationsPerPatient");
    var ok = r.get("sanity");
    return String.format(
        Locale.ROOT,
        "CARAC Watch cohort benchmark (%s, %d CPUs, libraries %s)%n"
            + "  cohort        %d patients, seed %d, Observations/patient mean %s (min %s, max %s), generated in %s ms%n"
            + "  start-up      CqlEvaluator construction (translation) %s ms; first evaluation %s ms%n"
            + "  warm-up       %d evaluations in %s ms (discarded)%n"
            + "  1 thread      median %s ms, p90 %s ms, p99 %s ms, max %s ms -> %s patients/s%n"
            + "  %d threads     %s patients/s (wall %s ms, failures %s)%n"
            + "  sanity        %s table days, ISTH met on %s days, CDSS met on %s days, %s data-quality issues%n"
            + "  written       %s",
        r.get("java").asText(), r.get("availableProcessors").asInt(), r.get("libraryVersion").asText(),
        r.get("patients").asInt(), r.get("seed").asLong(), obs.get("mean"), obs.get("min"), obs.get("max"),
        r.get("cohortGenerationMs"),
        s.get("evaluatorConstructionMs"), s.get("firstEvaluationMs"),
        r.get("warmupEvaluations").asInt(), r.get("warmupMs"),
        one.get("medianMs"), one.get("p90Ms"), one.get("p99Ms"), one.get("maxMs"), one.get("patientsPerSecond"),
        par.get("threads").asInt(), par.get("patientsPerSecond"), par.get("wallMs"), par.get("failures"),
        ok.get("daysTotal"), ok.get("isthMetDays"), ok.get("cdssMetDays"), ok.get("dataQualityIssues"),
        out.toAbsolutePath().normalize());
  }

  private static long quantile(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return nanos / NANOS_PER_MS;
  }

  private static BigDecimal round(double v) {
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP);
  }

  /** {@code bench.x} system properties, overridden by {@code --x=value} arguments. */
  /**
   * Each course as {@code DIR/pNNNN/bundle.json} with its as-of in {@code scenario.json} (what {@code evaluate
   * --bundle DIR} reads), and every tenth patient's labs once more without a CAR-T course ({@code pNNNN-no-car-t}).
   */
  private static void dumpCohort(Path dir, List<Case> cohort, CohortGenerator generator) throws IOException {
    var parser = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser();
    for (int i = 0; i < cohort.size(); i++) {
      writeCase(dir.resolve(String.format("p%04d", i)), cohort.get(i), parser);
      if (i % 10 == 0) {
        writeCase(dir.resolve(String.format("p%04d-no-car-t", i)), generator.patientWithoutCarT(i), parser);
      }
    }
  }

  private static void writeCase(Path dir, Case c, ca.uhn.fhir.parser.IParser parser) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("bundle.json"), parser.encodeResourceToString(c.patient().bundle()));
    Files.writeString(dir.resolve("scenario.json"), JSON.createObjectNode().put("asOf", c.asOf().toString()).toString());
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (String name : List.of("patients", "threads", "warmup", "seed", "template", "out", "dump", "dump-dir", "basedir")) {
      String v = System.getProperty("bench." + name);
      if (v != null && !v.isBlank()) {
        o.put(name, v.strip());
      }
    }
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException("expected --name=value, got " + a);
      }
      o.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    return o;
  }

  /** One generated patient with its as-of instant and Observation count. */
  public record Case(PatientBundle patient, OffsetDateTime asOf, int observations) {}

  /** Totals over the single-threaded run, to show the engine really scored the generated data. */
  private static final class Sanity {
    long days;
    long isthMet;
    long cdssMet;
    long issues;
    long withInfusion;

    void add(CaracEvaluation r) {
      days += r.days().size();
      issues += r.dataQuality().size();
      if (r.infusionDate() != null) {
        withInfusion++;
      }
      for (var d : r.days()) {
        if (d.isth() != null && "met".equals(d.isth().status())) {
          isthMet++;
        }
        if (d.cdss() != null && "met".equals(d.cdss().status())) {
          cdssMet++;
        }
      }
    }
  }

  /** Builds the synthetic patients; deterministic for a given template and seed. */
  public static final class CohortGenerator {

    private final JsonNode t;
    private final long seed;
    private final String loinc;
    private final String ucum;
    private final ZoneOffset offset;
    private final LocalDate firstDayZero;
    private final LocalTime asOfTime;
    private final LocalTime primaryDraw;
    private final LocalTime secondDraw;

    public CohortGenerator(JsonNode template, long seed) {
      this.t = template;
      this.seed = seed;
      this.loinc = template.path("systems").path("loinc").asText();
      this.ucum = template.path("systems").path("ucum").asText();
      JsonNode course = template.path("course");
      this.offset = ZoneOffset.of(course.path("utcOffset").asText());
      this.firstDayZero = LocalDate.parse(course.path("firstDayZero").asText());
      this.asOfTime = LocalTime.parse(course.path("asOfTime").asText());
      this.primaryDraw = LocalTime.parse(course.path("primaryDrawTime").asText());
      this.secondDraw = LocalTime.parse(course.path("secondDrawTime").asText());
    }

    /** Patient number {@code index} (0-based) of the cohort. */
    public Case patient(int index) {
      return generate(index, true);
    }

    /**
     * Patient number {@code index} with the same labs, dates and demographics but without the CAR-T
     * infusion (the template's {@code carT} MedicationAdministration) and with other ids
     * ({@code bench-nocart-...}), so both can live on one FHIR server: a patient without any CAR-T course.
     */
    public Case patientWithoutCarT(int index) {
      return generate(index, false);
    }

    private Case generate(int index, boolean withCarT) {
      var rnd = new SplittableRandom(seed * 1_000_003L + index);
      JsonNode course = t.path("course");
      String id = String.format(Locale.ROOT, withCarT ? "bench-%06d" : "bench-nocart-%06d", index);
      String ref = "Patient/" + id;
      LocalDate day0 = firstDayZero.plusDays(rnd.nextInt(Math.max(1, course.path("dayZeroSpreadDays").asInt())));
      int firstDay = course.path("firstDay").asInt();
      int lastDay = course.path("lastDay").asInt();

      var bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
      var patient = new Patient();
      patient.setId(id);
      patient.addName(new HumanName().setFamily("Cohort" + index).addGiven("Bench"));
      patient.setGender(rnd.nextBoolean() ? AdministrativeGender.MALE : AdministrativeGender.FEMALE);
      JsonNode years = course.path("birthYears");
      int year = years.get(0).asInt() + rnd.nextInt(years.get(1).asInt() - years.get(0).asInt() + 1);
      patient.setBirthDateElement(new DateType(LocalDate.of(year, 1 + rnd.nextInt(12), 1 + rnd.nextInt(27)).toString()));
      bundle.addEntry().setResource(patient);

      JsonNode carT = t.path("carT");
      if (withCarT) { // draws no random number: the labs below are the same either way
        var admin = new MedicationAdministration();
        admin.setId(id + "-cart-1");
        admin.setStatus(MedicationAdministration.MedicationAdministrationStatus.fromCode(carT.path("status").asText()));
        admin.setMedication(
            new CodeableConcept()
                .addCoding(new Coding(carT.path("system").asText(), carT.path("code").asText(), carT.path("display").asText()))
                .setText(carT.path("display").asText()));
        admin.setSubject(new Reference(ref));
        admin.setEffective(dateTime(day0, carT.path("day").asInt(), LocalTime.parse(carT.path("time").asText()), 0));
        bundle.addEntry().setResource(admin);
      }

      // per patient: which LOINC variant and unit the "home" lab uses for each analyte
      List<JsonNode> analytes = new ArrayList<>();
      t.path("analytes").forEach(analytes::add);
      JsonNode[] variant = new JsonNode[analytes.size()];
      JsonNode[] homeUnit = new JsonNode[analytes.size()];
      for (int a = 0; a < analytes.size(); a++) {
        variant[a] = weighted(analytes.get(a).path("variants"), rnd);
        homeUnit[a] = weighted(variant[a].path("units"), rnd);
      }

      JsonNode dic = t.path("dicEpisode");
      int dicStart = Integer.MAX_VALUE;
      int dicEnd = Integer.MIN_VALUE;
      if (rnd.nextDouble() < dic.path("patientProbability").asDouble()) {
        dicStart = between(rnd, dic.path("firstStartDay").asInt(), dic.path("lastStartDay").asInt());
        dicEnd = dicStart + between(rnd, dic.path("minDays").asInt(), dic.path("maxDays").asInt()) - 1;
      }

      int jitter = course.path("drawJitterMinutes").asInt();
      double rangeProbability = t.path("referenceRangeProbability").asDouble();
      double switchProbability = t.path("unitSwitchProbability").asDouble();
      int counter = 0;
      for (int day = firstDay; day <= lastDay; day++) {
        boolean dicDay = day >= dicStart && day <= dicEnd;
        for (int a = 0; a < analytes.size(); a++) {
          JsonNode analyte = analytes.get(a);
          boolean hasDicRange = homeUnit[a].has("dic");
          if (!(dicDay && hasDicRange) && rnd.nextDouble() >= analyte.path("dailyProbability").asDouble()) {
            continue; // missing analyte today
          }
          int results = rnd.nextDouble() < analyte.path("secondResultProbability").asDouble() ? 2 : 1;
          for (int k = 0; k < results; k++) {
            JsonNode unit = homeUnit[a];
            if (rnd.nextDouble() < switchProbability) {
              unit = weighted(variant[a].path("units"), rnd); // e.g. an outside lab
            }
            var o = observation(
                id + "-obs-" + (++counter), ref, variant[a].path("loinc").asText(), unit,
                dicDay && unit.has("dic") ? unit.path("dic") : unit.path("typical"),
                rnd.nextDouble() < rangeProbability, rnd);
            o.setEffective(dateTime(day0, day, k == 0 ? primaryDraw : secondDraw, rnd.nextInt(jitter + 1)));
            bundle.addEntry().setResource(o);
          }
        }
      }
      OffsetDateTime asOf = OffsetDateTime.of(day0.plusDays(lastDay), asOfTime, offset);
      return new Case(PatientBundle.of(bundle), asOf, counter);
    }

    private Observation observation(
        String id, String patientRef, String code, JsonNode unit, JsonNode range, boolean withRange,
        SplittableRandom rnd) {
      var o = new Observation();
      o.setId(id);
      o.setStatus(Observation.ObservationStatus.fromCode(t.path("course").path("observationStatus").asText()));
      o.addCategory(
          new CodeableConcept()
              .addCoding(
                  new Coding()
                      .setSystem(t.path("systems").path("observationCategory").asText())
                      .setCode(t.path("systems").path("observationCategoryCode").asText())));
      o.setCode(new CodeableConcept().addCoding(new Coding().setSystem(loinc).setCode(code)));
      o.setSubject(new Reference(patientRef));
      String u = unit.path("ucum").asText();
      int decimals = unit.path("decimals").asInt();
      o.setValue(quantity(value(range, unit.path("logScale").asBoolean(), decimals, rnd), u));
      if (withRange) {
        JsonNode rr = unit.path("referenceRange");
        o.addReferenceRange()
            .setLow(quantity(rr.get(0).decimalValue(), u))
            .setHigh(quantity(rr.get(1).decimalValue(), u));
      }
      return o;
    }

    private Quantity quantity(BigDecimal value, String code) {
      return new Quantity().setValue(value).setUnit(code).setSystem(ucum).setCode(code);
    }

    private static BigDecimal value(JsonNode range, boolean log, int decimals, SplittableRandom rnd) {
      double lo = range.get(0).asDouble();
      double hi = range.get(1).asDouble();
      double v = log && lo > 0
          ? Math.exp(Math.log(lo) + rnd.nextDouble() * (Math.log(hi) - Math.log(lo)))
          : lo + rnd.nextDouble() * (hi - lo);
      return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP);
    }

    private DateTimeType dateTime(LocalDate day0, int day, LocalTime time, int plusMinutes) {
      var odt = OffsetDateTime.of(day0.plusDays(day), time.plusMinutes(plusMinutes), offset);
      return new DateTimeType(odt.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }

    private static int between(SplittableRandom rnd, int lo, int hi) {
      return lo + rnd.nextInt(hi - lo + 1);
    }

    private static JsonNode weighted(JsonNode options, SplittableRandom rnd) {
      double total = 0;
      for (JsonNode o : options) {
        total += o.path("weight").asDouble(1);
      }
      double pick = rnd.nextDouble() * total;
      for (JsonNode o : options) {
        pick -= o.path("weight").asDouble(1);
        if (pick < 0) {
          return o;
        }
      }
      return options.get(options.size() - 1);
    }
  }
}
