package carac.cli;

import ca.uhn.fhir.context.FhirContext;
import carac.cards.CardAssembler;
import carac.cql.CaracEvaluation;
import carac.cql.CqlEvaluator;
import carac.cql.SiteConfiguration;
import carac.fhir.PatientBundle;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code evaluate --bundle FILE|DIR|FILE.ndjson [--as-of ISO] [--site-config FILE] [--language en|zh]}.
 *
 * <p>One bundle prints one JSON object on stdout. A directory (every {@code *.json} Bundle below it)
 * or an NDJSON file (one Bundle per line) prints one JSON line per patient, a progress bar on stderr
 * and a summary at the end; a broken bundle is reported on stderr and skipped. Without {@code --as-of}
 * a bundle's as-of comes from the {@code scenario.json} beside it. Exit codes: 0 all evaluated, 1 some
 * bundles skipped, 2 bad usage or a single bad bundle. Never a stack trace.
 */
public final class EvaluateCommand {

  static final String USAGE =
      "usage: evaluate --bundle FILE|DIR|FILE.ndjson [--as-of 2025-04-18T18:00:00+08:00] [--site-config FILE] [--language en|zh]";

  private final PrintStream out;
  private final PrintStream err;
  private final ObjectMapper json =
      new ObjectMapper().configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);
  private final FhirContext fhir = FhirContext.forR4Cached();

  public EvaluateCommand() {
    this(
        new PrintStream(System.out, true, StandardCharsets.UTF_8),
        new PrintStream(System.err, true, StandardCharsets.UTF_8));
  }

  EvaluateCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public int run(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      SiteConfiguration site =
          options.siteConfig == null
              ? SiteConfiguration.empty()
              : json.readValue(options.siteConfig.toFile(), SiteConfiguration.class);
      if (Files.isDirectory(options.bundle)) {
        return batch(listBundles(options.bundle), options, site);
      }
      if (options.bundle.toString().endsWith(".ndjson")) {
        return batch(ndjson(options.bundle), options, site);
      }
      var evaluator = new CqlEvaluator(site);
      var result = evaluateOne(evaluator, new Input(options.bundle.toString(), read(options.bundle), options.bundle), options);
      out.println(json.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
      return 0;
    } catch (InputException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (IOException | RuntimeException e) {
      err.println("error: " + oneLine(e));
      return 2;
    }
  }

  private int batch(List<Input> inputs, Options options, SiteConfiguration site) throws IOException {
    var evaluator = new CqlEvaluator(site);
    var progress = new ProgressBar(err, inputs.size());
    int ok = 0;
    List<String> skipped = new ArrayList<>();
    long start = System.nanoTime();
    for (Input input : inputs) {
      try {
        var result = evaluateOne(evaluator, input, options);
        out.println(json.writeValueAsString(result));
        ok++;
      } catch (RuntimeException e) {
        String message = input.name + ": " + (e instanceof InputException ? e.getMessage() : oneLine(e));
        skipped.add(message);
        progress.interrupt("skipped " + message);
      }
      progress.step();
    }
    progress.finish();
    double seconds = (System.nanoTime() - start) / 1e9;
    err.printf("evaluated %d patient(s), skipped %d bundle(s) in %.1f s%n", ok, skipped.size(), seconds);
    return skipped.isEmpty() ? 0 : 1;
  }

  private CaracEvaluation evaluateOne(CqlEvaluator evaluator, Input input, Options options) {
    OffsetDateTime asOf = options.asOf != null ? options.asOf : scenarioAsOf(input);
    PatientBundle patient;
    try {
      patient = PatientBundle.parse(fhir, input.text);
    } catch (PatientBundle.InvalidBundleException e) {
      throw new InputException(e.getMessage());
    }
    var evaluation = evaluator.evaluate(patient.bundle(), patient.patientId(), asOf, patient.dataQuality());
    return new CardAssembler(options.language).withCards(evaluation);
  }

  /** The as-of of a scenario folder's scenario.json, when --as-of was not given. */
  private OffsetDateTime scenarioAsOf(Input input) {
    Path scenario = input.path == null ? null : input.path.resolveSibling("scenario.json");
    if (scenario == null || !Files.isRegularFile(scenario)) {
      throw new InputException("--as-of is required (no scenario.json beside the bundle)");
    }
    try {
      return OffsetDateTime.parse(json.readTree(scenario.toFile()).path("asOf").asText());
    } catch (IOException | DateTimeParseException e) {
      throw new InputException(scenario + " has no valid asOf");
    }
  }

  /** Every JSON file below the directory whose resourceType is Bundle, in path order. */
  private List<Input> listBundles(Path dir) throws IOException {
    List<Input> inputs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        String text = read(p);
        if (isOtherJsonResource(text)) {
          continue; // scenario.json, expected results and other non-Bundle JSON beside the bundles
        }
        inputs.add(new Input(dir.relativize(p).toString(), text, p));
      }
    }
    if (inputs.isEmpty()) {
      throw new InputException("no FHIR Bundle (*.json) found in " + dir);
    }
    return inputs;
  }

  /** Parseable JSON that is not a Bundle (scenario.json has no resourceType; expected-*.json are arrays). */
  private boolean isOtherJsonResource(String text) {
    try {
      JsonNode node = json.readTree(text);
      return node != null && !(node.isObject() && "Bundle".equals(node.path("resourceType").asText()));
    } catch (IOException e) {
      return false; // unreadable: reported as a broken bundle
    }
  }

  private List<Input> ndjson(Path file) throws IOException {
    List<Input> inputs = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        inputs.add(new Input(file.getFileName() + ":" + (i + 1), lines.get(i), null));
      }
    }
    return inputs;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException("cannot read " + p + ": " + e.getMessage());
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private record Input(String name, String text, Path path) {}

  /** A problem with the user's input, reported as one line. */
  private static final class InputException extends RuntimeException {
    InputException(String message) {
      super(message);
    }
  }

  private record Options(Path bundle, OffsetDateTime asOf, Path siteConfig, String language) {
    static Options parse(String[] args) {
      Path bundle = null;
      OffsetDateTime asOf = null;
      Path site = null;
      String language = "en";
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + name);
        }
        String value = args[++i];
        switch (name) {
          case "--bundle" -> bundle = Path.of(value);
          case "--as-of" -> {
            try {
              asOf = OffsetDateTime.parse(value);
            } catch (DateTimeParseException e) {
              throw new IllegalArgumentException(
                  "--as-of must be an ISO date-time with offset, e.g. 2025-04-18T18:00:00+08:00");
            }
          }
          case "--site-config" -> site = Path.of(value);
          case "--language" -> {
            if (!value.equals("en") && !value.equals("zh")) {
              throw new IllegalArgumentException("--language must be en or zh");
            }
            language = value;
          }
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      }
      if (bundle == null) {
        throw new IllegalArgumentException("--bundle is required");
      }
      if (!Files.exists(bundle)) {
        throw new IllegalArgumentException("no such file or directory: " + bundle);
      }
      return new Options(bundle, asOf, site, language);
    }
  }
}
