package carac.bench;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * Load benchmark of the CDS Hooks service, run as a client process on loopback against the real
 * application started as a child process (bounded in time, killed at the end). Two sandbox stories from the
 * cohort generator: one 35-day course (day -7 ... 27, as of day 27 = the pinned "today") and the same labs
 * without the CAR-T infusion (a patient without any course). Measured: latency of patient-view with the full
 * prefetch and without any (the service fetches everything from the sandbox FHIR server), throughput with
 * {@code bench.threads} concurrent callers, the service's own per-phase timers scraped from its Prometheus
 * endpoint, and the patient without a course with the advertised prefetch. Then, per further profile in
 * {@code bench.profiles}, a second start with {@code --carac.cds.prefetch-profile=<profile>}: both patients with
 * the prefetch built from what that start's discovery advertises, plus {@code fhirServer} and a token for the
 * call-backs (an application that ignores the property just advertises the full prefetch).
 *
 * <p>Options (system properties): {@code bench.jar} (target/carac-watch.jar), {@code bench.calls} (300 per
 * mode), {@code bench.warmup} (60), {@code bench.threads} (2), {@code bench.throughputSeconds} (20),
 * {@code bench.profiles} (full,lean), {@code bench.extras} (true: order-sign, throughput without prefetch and
 * the direct FHIR searches too), {@code bench.maxSeconds} (600, hard stop of each start, from its launch; a mode
 * the limit cut off is reported as "notMeasured", a start that failed as "error" and the next start still runs), {@code bench.heap} (1g; the application also runs with
 * the deployment's -XX:+UseSerialGC), {@code bench.jvmArgs} (more JVM options of the application, space-separated; {@code {profile}} names the start, e.g. a JFR file per start), {@code bench.out}.
 */
public final class CdsHooksBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String ISSUER = "https://bench-ehr.carac.example";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final ECKey key;
  private final String base;

  private CdsHooksBenchmark(ECKey key, String base) {
    this.key = key;
    this.base = base;
  }

  public static void main(String[] args) throws Exception {
    Path basedir = Path.of(System.getProperty("bench.basedir", "."));
    Path jar = Path.of(System.getProperty("bench.jar", basedir.resolve("target/carac-watch.jar").toString()));
    int calls = Integer.getInteger("bench.calls", 300);
    int warmup = Integer.getInteger("bench.warmup", 60);
    int threads = Integer.getInteger("bench.threads", 2);
    int throughputSeconds = Integer.getInteger("bench.throughputSeconds", 20);
    boolean extras = Boolean.parseBoolean(System.getProperty("bench.extras", "true"));
    List<String> profiles = Arrays.stream(System.getProperty("bench.profiles", "full,lean").split(","))
        .map(String::strip).filter(p -> !p.isEmpty()).toList();
    long maxNanos = Long.getLong("bench.maxSeconds", 600) * 1_000_000_000L;
    Path out = Path.of(System.getProperty("bench.out", basedir.resolve("target/bench/cds-hooks-results.json").toString()));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " not found: run ./mvnw -B -q package -DskipTests first");
    }

    Path work = Files.createTempDirectory("carac-cds-bench");
    var generator = new CohortBenchmark.CohortGenerator(
        JSON.readTree(basedir.resolve("bench/cohort-template.json").toFile()), 20240108L);
    var course = generator.patient(0);
    var noCourse = generator.patientWithoutCarT(0);
    String patientId = course.patient().patientId();
    String noCourseId = noCourse.patient().patientId();
    writeStory(work.resolve("stories/bench-35-day-course"), course, "Benchmark 35-day course",
        course.observations() + " observations, day -7 to 27");
    writeStory(work.resolve("stories/bench-no-car-t-course"), noCourse, "Benchmark: the same labs without a CAR-T course",
        noCourse.observations() + " observations, no CAR-T MedicationAdministration or Procedure");

    ECKey key = new ECKeyGenerator(Curve.P_384).keyID("bench-1").generate();
    Path jwks = work.resolve("bench-ehr-jwks.json");
    Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("patient", Map.of("days", 35, "observations", course.observations(), "asOf", course.asOf().toString()));
    result.put("patientWithoutCourse", Map.of("observations", noCourse.observations(), "asOf", noCourse.asOf().toString()));
    result.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    result.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    result.put("calls", calls);
    result.put("warmupCalls", warmup);
    int failedStarts = 0;
    for (String profile : profiles) {
      // "full": the application's defaults (the top level of the results); any other profile is a second
      // start with --carac.cds.prefetch-profile=<profile>, its results under its name
      boolean full = profile.equals("full");
      List<String> appArgs = full ? List.of() : List.of("--carac.cds.prefetch-profile=" + profile);
      Map<String, Object> r = full ? result : new LinkedHashMap<>();
      if (!full) {
        result.put(profile, r);
      }
      r.put("applicationArgs", appArgs);
      Path log = work.resolve("app-" + profile + ".log");
      long deadline = System.nanoTime() + maxNanos;
      App app = startApplication(jar, work, profile, appArgs, course, jwks, log);
      try {
        var bench = new CdsHooksBenchmark(key, "http://127.0.0.1:" + app.port);
        r.put("applicationReadyMs", bench.waitUntilReady(patientId, deadline, app.process));
        Map<String, String> templates = bench.discovery();
        r.put("prefetchKeys", new ArrayList<>(templates.keySet()));
        String fhirToken = bench.fhirToken();
        // what an EHR sends for the advertised templates, with fhirServer and a token for what is not there
        ObjectNode courseWithCallbacks = bench.body(patientId, bench.prefetch(course.patient().bundle(), templates), fhirToken);
        ObjectNode noCourseWithCallbacks =
            bench.body(noCourseId, bench.prefetch(noCourse.patient().bundle(), templates), fhirToken);
        if (full) {
          ObjectNode withPrefetch = bench.body(patientId, bench.prefetch(course.patient().bundle(), templates), null);
          ObjectNode withoutPrefetch = bench.body(patientId, null, fhirToken);
          ObjectNode orderSign = orderSign(withPrefetch, patientId);
          r.put("withPrefetch", bench.measure(withPrefetch, warmup, calls, deadline));
          r.put("withoutPrefetch", bench.measure(withoutPrefetch, warmup, calls, deadline));
          if (extras) {
            r.put("orderSignWithPrefetch", bench.measure(orderSign, warmup, calls, deadline));
          }
          r.put("throughputWithPrefetch", bench.throughput(withPrefetch, threads, throughputSeconds, deadline));
          if (extras) {
            r.put("throughputWithoutPrefetch", bench.throughput(withoutPrefetch, threads, throughputSeconds, deadline));
          }
          // before the patient without a course, so that they count only the calls above
          r.put("serverPhases", phases("http://127.0.0.1:" + app.managementPort + "/actuator/prometheus"));
          r.put("serverPhasesFromLog", logPhases(log, warmup + 1));
          if (extras) {
            r.put("fhirSearchDirect", bench.directSearches(fhirToken, patientId, deadline));
          }
          r.put("noCourseWithPrefetch", bench.measure(noCourseWithCallbacks, warmup, calls, deadline));
        } else {
          // the course patient first: the patient without a course is then measured on a service as warm as the
          // full profile's (there measured last), not on a just-started JVM that is still compiling its hot paths
          r.put("withPrefetch", bench.measure(courseWithCallbacks, warmup, calls, deadline));
          r.put("noCourseWithPrefetch", bench.measure(noCourseWithCallbacks, warmup, calls, deadline));
        }
      } catch (Exception e) {
        r.put("error", e.toString());
        failedStarts++;
        System.err.println("profile " + profile + ": " + e);
      } finally {
        app.stop();
      }
    }
    Files.createDirectories(out.getParent());
    Files.writeString(out, JSON.writeValueAsString(result));
    // the applications' logs next to the results; the stories, keys and databases go
    Path logs = Files.createDirectories(out.getParent().resolve("logs"));
    for (String profile : profiles) {
      Path log = work.resolve("app-" + profile + ".log");
      if (Files.isRegularFile(log)) {
        Files.copy(log, logs.resolve("cds-hooks-app-" + profile + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    try (var paths = Files.walk(work)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    System.out.println(JSON.writeValueAsString(result));
    if (failedStarts > 0) {
      System.exit(1);
    }
  }

  private static void writeStory(Path story, CohortBenchmark.Case c, String title, String description) throws IOException {
    Files.createDirectories(story);
    String patientId = c.patient().patientId();
    Files.writeString(story.resolve("bundle.json"),
        FhirContext.forR4Cached().newJsonParser().encodeResourceToString(c.patient().bundle()));
    ObjectNode scenario = JSON.createObjectNode().put("title", title).put("asOf", c.asOf().toString())
        .put("patient", "Patient/" + patientId).put("description", description);
    Files.writeString(story.resolve("scenario.json"), scenario.toString());
  }

  /** The packaged application as a child process on loopback, the bench's stories as its only stories. */
  private record App(Process process, int port, int managementPort) {
    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static App startApplication(Path jar, Path work, String profile, List<String> appArgs, CohortBenchmark.Case course,
      Path jwks, Path log) throws IOException {
    int port = freePort();
    int managementPort = freePort();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + System.getProperty("bench.heap", "1g"),
        "-XX:+UseSerialGC")); // the service's collector (deploy/deployment.yaml); both JIT compilers, as deployed
    // e.g. -Dbench.jvmArgs="-XX:StartFlightRecording=filename=app.jfr,settings=profile" to profile the service
    for (String arg : System.getProperty("bench.jvmArgs", "").trim().split("\\s+")) {
      if (!arg.isEmpty()) {
        command.add(arg.replace("{profile}", profile));
      }
    }
    command.addAll(List.of("-jar", jar.toString(),
        "--server.port=" + port, "--server.address=127.0.0.1",
        // the sandbox's base (JWT aud, FHIR-server allow-list) is configuration, never the request's Host
        "--carac.sandbox.public-base-url=http://127.0.0.1:" + port,
        "--carac.data-dir=" + work.resolve("data-" + profile),
        "--carac.sandbox.scenarios=" + work.resolve("stories"),
        "--carac.sandbox.fixed-instant=" + course.asOf().toInstant(),
        "--carac.cds.time-zone=" + course.asOf().getOffset().getId(),
        "--carac.cds.security.trusted-issuers[0].issuer=" + ISSUER,
        "--carac.cds.security.trusted-issuers[0].jwks-file=" + jwks,
        "--management.server.port=" + managementPort, "--management.server.address=127.0.0.1",
        "--management.endpoints.web.exposure.include=health,prometheus",
        "--logging.level.root=WARN"));
    command.addAll(appArgs);
    Process app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    System.err.println("started the application, profile " + profile + " (pid " + app.pid() + ") on port " + port + "; log " + log);
    return new App(app, port, managementPort);
  }

  /** {@code warmup} discarded calls, then the latencies of {@code calls} calls (fewer if the time limit ends). */
  private Map<String, Object> measure(ObjectNode body, int warmup, int calls, long deadline) throws Exception {
    latencies(body, warmup, deadline);
    return stats(latencies(body, calls, deadline));
  }

  private long waitUntilReady(String patientId, long deadline, Process app) throws Exception {
    long start = System.nanoTime();
    ObjectNode probe = null;
    while (System.nanoTime() < deadline && app.isAlive()) {
      try {
        if (probe == null) {
          probe = body(patientId, null, fhirToken());
        }
        var r = call(probe);
        if (r.statusCode() == 200) {
          return (System.nanoTime() - start) / 1_000_000;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException("the application did not become ready (see its log)");
  }

  /** A token for the sandbox FHIR server from its authorization server (client_credentials, read-only). */
  private String fhirToken() throws Exception {
    String basic = Base64.getEncoder().encodeToString("carac-confidential-test:change-me-confidential".getBytes(StandardCharsets.UTF_8));
    var request = HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
        .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + URLEncoder.encode("user/*.rs", StandardCharsets.UTF_8)))
        .build();
    var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("token endpoint answered " + response.statusCode());
    }
    return JSON.readTree(response.body()).get("access_token").asText();
  }

  /** The service's prefetch templates (key → template) from its discovery endpoint. */
  private Map<String, String> discovery() throws Exception {
    String aud = base + "/cds-services";
    Instant now = Instant.now();
    var claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("bench").audience(aud).issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300))).jwtID(UUID.randomUUID().toString()).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new ECDSASigner(key));
    var response = HTTP.send(HttpRequest.newBuilder(URI.create(aud)).header("Authorization", "Bearer " + jwt.serialize()).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    Map<String, String> templates = new LinkedHashMap<>();
    JSON.readTree(response.body()).get("services").get(0).get("prefetch").fields()
        .forEachRemaining(e -> templates.put(e.getKey(), e.getValue().asText()));
    return templates;
  }

  /**
   * The prefetch an EHR would send for the advertised templates: the Patient, and per search key a searchset
   * of the bundle's resources of that type (the generated course is all inside the look-back window).
   */
  private Map<String, JsonNode> prefetch(Bundle bundle, Map<String, String> templates) throws IOException {
    FhirContext fhir = FhirContext.forR4Cached();
    Map<String, Bundle> byType = new TreeMap<>();
    Map<String, JsonNode> prefetch = new LinkedHashMap<>();
    JsonNode patient = null;
    for (var e : bundle.getEntry()) {
      Resource r = e.getResource();
      if (r.fhirType().equals("Patient")) {
        patient = JSON.readTree(fhir.newJsonParser().encodeResourceToString(r));
      } else {
        byType.computeIfAbsent(r.fhirType(), t -> new Bundle().setType(Bundle.BundleType.SEARCHSET)).addEntry().setResource(r);
      }
    }
    for (var template : templates.entrySet()) {
      String key = template.getKey();
      String type = template.getValue().split("[/?]")[0];
      if (type.equals("Patient")) {
        prefetch.put(key, patient);
        continue;
      }
      Bundle set = byType.getOrDefault(type, new Bundle().setType(Bundle.BundleType.SEARCHSET));
      prefetch.put(key, set.getEntry().isEmpty() ? null : JSON.readTree(fhir.newJsonParser().encodeResourceToString(set)));
    }
    return prefetch;
  }

  private ObjectNode body(String patientId, Map<String, JsonNode> prefetch, String fhirToken) {
    ObjectNode body = JSON.createObjectNode();
    body.put("hook", "patient-view");
    body.put("hookInstance", UUID.randomUUID().toString());
    body.putObject("context").put("userId", "Practitioner/bench").put("patientId", patientId);
    if (fhirToken != null) {
      body.put("fhirServer", base + "/fhir");
      body.putObject("fhirAuthorization").put("access_token", fhirToken).put("token_type", "Bearer")
          .put("expires_in", 3600).put("scope", "user/*.rs").put("subject", "bench");
    }
    if (prefetch != null) {
      ObjectNode p = body.putObject("prefetch");
      prefetch.forEach((k, v) -> p.set(k, v == null ? com.fasterxml.jackson.databind.node.NullNode.instance : v));
    }
    return body;
  }

  /**
   * order-sign with the same full prefetch and one draft enoxaparin order (the EHR's draft, RxNorm ingredient):
   * the order-time path of clinical-reference.md §7.5 on the same 35-day course.
   */
  private static ObjectNode orderSign(ObjectNode withPrefetch, String patientId) {
    ObjectNode body = withPrefetch.deepCopy();
    body.put("hook", "order-sign");
    ObjectNode bundle = ((ObjectNode) body.get("context")).putObject("draftOrders");
    bundle.put("resourceType", "Bundle").put("type", "collection");
    ObjectNode draft = bundle.putArray("entry").addObject().putObject("resource");
    draft.put("resourceType", "MedicationRequest").put("id", "bench-draft-1").put("status", "draft").put("intent", "order");
    draft.putObject("medicationCodeableConcept").putArray("coding").addObject()
        .put("system", "http://www.nlm.nih.gov/research/umls/rxnorm").put("code", "67108").put("display", "enoxaparin");
    draft.putObject("subject").put("reference", "Patient/" + patientId);
    return body;
  }

  private HttpResponse<String> call(ObjectNode body) throws Exception {
    return HTTP.send(request(body.toString(), body.path("hook").asText()), HttpResponse.BodyHandlers.ofString());
  }

  /** A signed call as the EHR sends it: a fresh JWT (own jti, as the service refuses a replay) over the body. */
  private HttpRequest request(String body, String hook) throws Exception {
    String aud = base + "/cds-services/" + ("order-sign".equals(hook) ? "carac-order-sign" : "carac-patient-view");
    Instant now = Instant.now();
    var claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("bench").audience(aud).issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300))).jwtID(UUID.randomUUID().toString()).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return HttpRequest.newBuilder(URI.create(aud)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + jwt.serialize()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /**
   * Latency as the EHR sees it, from sending the request to the whole response: the EHR's own work before the
   * call (writing the ~300 KB request, signing its JWT) is done before the clock starts.
   */
  private long[] latencies(ObjectNode body, int n, long deadline) throws Exception {
    String text = body.toString();
    String hook = body.path("hook").asText();
    long[] nanos = new long[n];
    int done = 0;
    for (; done < n && System.nanoTime() < deadline; done++) {
      HttpRequest request = request(text, hook);
      long start = System.nanoTime();
      var r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      nanos[done] = System.nanoTime() - start;
      if (r.statusCode() != 200) {
        throw new IllegalStateException(hook + " answered " + r.statusCode() + ": " + r.body());
      }
    }
    return Arrays.copyOf(nanos, done);
  }

  private Map<String, Object> throughput(ObjectNode body, int threads, int seconds, long deadline) throws Exception {
    long end = Math.min(deadline, System.nanoTime() + seconds * 1_000_000_000L);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    String text = body.toString();
    String hook = body.path("hook").asText();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          try {
            (HTTP.send(request(text, hook), HttpResponse.BodyHandlers.ofString()).statusCode() == 200 ? ok : failed)
                .incrementAndGet();
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (var f : futures) {
      f.get();
    }
    pool.shutdown();
    double wall = (System.nanoTime() - start) / 1e9;
    if (ok.get() == 0 && failed.get() == 0) {
      return Map.of("threads", threads, "hooks", 0, "notMeasured", "time limit");
    }
    return Map.of("threads", threads, "seconds", round(wall), "hooks", ok.get(), "failed", failed.get(),
        "hooksPerSecond", round(ok.get() / wall));
  }

  private static Map<String, Object> stats(long[] nanos) {
    if (nanos.length == 0) {
      return Map.of("calls", 0, "notMeasured", "time limit");
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return Map.of("calls", sorted.length, "p50Ms", ms(quantile(sorted, 0.5)), "p90Ms", ms(quantile(sorted, 0.9)),
        "p99Ms", ms(quantile(sorted, 0.99)), "maxMs", ms(sorted[sorted.length - 1]));
  }

  /** Mean and max of each server-side phase (all calls, warm-up included) from the Prometheus endpoint. */
  private static Map<String, Object> phases(String url) {
    Map<String, Object> out = new TreeMap<>();
    try {
      var response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
      String text = response.body();
      if (!text.contains("carac_cds_phase_seconds")) {
        out.put("error", "no carac_cds_phase timers at " + url + " (HTTP " + response.statusCode() + ")");
      }
      Map<String, double[]> sums = new TreeMap<>();
      for (String line : text.split("\n")) {
        if (!line.startsWith("carac_cds_phase_seconds_")) {
          continue;
        }
        String name = line.substring("carac_cds_phase_seconds_".length(), line.indexOf('{'));
        String endpoint = label(line, "endpoint");
        String phase = label(line, "phase");
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        double[] s = sums.computeIfAbsent(endpoint + "/" + phase, k -> new double[3]);
        switch (name) {
          case "count" -> s[0] = value;
          case "sum" -> s[1] = value;
          case "max" -> s[2] = value;
          default -> { }
        }
      }
      sums.forEach((k, s) -> out.put(k, Map.of("count", (long) s[0], "meanMs", round(s[0] == 0 ? 0 : s[1] / s[0] * 1000),
          "maxMs", round(s[2] * 1000))));
    } catch (Exception e) {
      out.put("error", "could not scrape " + url + ": " + e.getMessage());
    }
    return out;
  }

  /**
   * Median and p99 per phase (ms) of the measured calls, from the service's log lines
   * ({@code phaseMicros={prefetch-parse=..., cql=...}}), split into calls with and without call-backs; the
   * warm-up calls are skipped, the throughput runs are included.
   */
  private static Map<String, Object> logPhases(Path log, int skip) throws IOException {
    Map<String, List<Long>> values = new TreeMap<>();
    Map<String, Integer> seen = new TreeMap<>();
    var pattern = java.util.regex.Pattern.compile("callbacks=(\\d+) phaseMicros=\\{([^}]*)}");
    for (String line : Files.readAllLines(log)) {
      var m = pattern.matcher(line);
      if (m.find()) {
        String mode = m.group(1).equals("0") ? "withPrefetch" : "withoutPrefetch";
        if (seen.merge(mode, 1, Integer::sum) <= skip) {
          continue; // readiness probe and warm-up
        }
        for (String part : m.group(2).split(", ")) {
          String[] kv = part.split("=");
          values.computeIfAbsent(mode + "/" + kv[0], k -> new ArrayList<>()).add(Long.parseLong(kv[1]));
        }
      }
    }
    Map<String, Object> out = new TreeMap<>();
    values.forEach((k, v) -> {
      long[] sorted = v.stream().mapToLong(Long::longValue).sorted().toArray();
      out.put(k, Map.of("calls", sorted.length, "p50Ms", round(quantile(sorted, 0.5) / 1000.0),
          "p99Ms", round(quantile(sorted, 0.99) / 1000.0)));
    });
    return out;
  }

  /** The sandbox FHIR server's own cost: each call-back query run directly, sequentially, 20 times. */
  private Map<String, Object> directSearches(String token, String patientId, long deadline) throws Exception {
    Map<String, Object> out = new TreeMap<>();
    for (var e : discovery().entrySet()) {
      String query = e.getValue().replace("{{context.patientId}}", patientId).replaceAll("&date=ge\\{\\{[^}]*}}", "");
      query = query + (query.contains("?") ? "&_count=1000" : "");
      long[] nanos = new long[20];
      int pages = 0;
      int n = 0;
      for (; n < nanos.length && System.nanoTime() < deadline; n++) {
        long start = System.nanoTime();
        String url = base + "/fhir/" + query;
        pages = 0;
        while (url != null) {
          var response = HTTP.send(HttpRequest.newBuilder(URI.create(url.replace("|", "%7C")))
              .header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json").GET().build(),
              HttpResponse.BodyHandlers.ofString());
          pages++;
          url = null;
          for (JsonNode link : JSON.readTree(response.body()).path("link")) {
            if (link.path("relation").asText().equals("next")) {
              url = link.path("url").asText();
            }
          }
        }
        nanos[n] = System.nanoTime() - start;
      }
      long[] sorted = Arrays.copyOf(nanos, n);
      Arrays.sort(sorted);
      out.put(e.getKey(), n == 0 ? Map.of("notMeasured", "time limit") : Map.of("pages", pages, "p50Ms", ms(quantile(sorted, 0.5))));
    }
    return out;
  }

  private static String label(String line, String name) {
    int i = line.indexOf(name + "=\"");
    return i < 0 ? "" : line.substring(i + name.length() + 2, line.indexOf('"', i + name.length() + 2));
  }

  private static long quantile(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static double ms(long nanos) {
    return round(nanos / 1e6);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
