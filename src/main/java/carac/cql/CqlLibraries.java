package carac.cql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.cqframework.cql.cql2elm.CqlCompilerException;
import org.cqframework.cql.cql2elm.CqlCompilerOptions;
import org.cqframework.cql.cql2elm.CqlTranslator;
import org.cqframework.cql.cql2elm.LibraryBuilder;
import org.cqframework.cql.cql2elm.LibraryManager;
import org.cqframework.cql.cql2elm.ModelManager;
import org.cqframework.cql.cql2elm.model.CompiledLibrary;
import org.cqframework.cql.elm.serializing.ElmJsonLibraryReader;
import org.hl7.elm.r1.ExpressionDef;
import org.hl7.elm.r1.FunctionDef;
import org.hl7.elm.r1.Library;
import org.hl7.elm.r1.VersionedIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CARAC libraries, compiled, in a long-lived {@link LibraryManager} cache the engine resolves every
 * library from.
 *
 * <p>{@link #load()} (the application and {@code evaluate}) reads the ELM the build compiled ({@link ElmCompiler},
 * {@code elm/} on the classpath): no CQL parsing and no model loading at start. The ELM index records a digest of
 * each library's CQL source; if any differs from the {@code cql/} on the classpath (a jar whose ELM step did not
 * run, or a source edited after the build) it translates the sources instead, as {@link #translate()} does, and
 * logs why. Any translation error, or a warning that is not on the accepted list, fails the build (ElmCompiler)
 * and stops start-up: a library that does not translate cleanly must never evaluate a patient.
 */
final class CqlLibraries {

  private static final Logger log = LoggerFactory.getLogger(CqlLibraries.class);

  /** The entry library; its includes pull in the rest. */
  static final String ENTRY = "CaracSummary";

  /** Every CARAC library, in include order. CqlLibrariesTest checks this matches the cql/ folder. */
  static final List<String> ALL =
      List.of(
          "CaracConcepts",
          "CaracDataElements",
          "CaracTimeline",
          "CaracClinicalEvents",
          "CaracBaseline",
          "CaracDailyLabs",
          "CaracScoring",
          "CaracIsthDic",
          "CaracCdssDic",
          "CaracRules",
          "CaracCards",
          "CaracChart",
          "CaracSummary",
          "CaracOrders");

  /** The order-time entry library (CDS Hooks order-select / order-sign). */
  static final String ORDERS = "CaracOrders";

  /** Where the build puts the compiled ELM on the classpath: one {@code <id>.json} per library and the index. */
  static final String ELM_FOLDER = "elm/";
  /** The ELM index: {@code <library id>=<sha-256 of its CQL source>} (FHIRHelpers: "translator"). */
  static final String ELM_INDEX = ELM_FOLDER + "index.properties";

  /**
   * Warnings we decided to accept, matched as substrings of the message. Empty: every warning fails
   * the build.
   */
  static final List<String> ACCEPTED_WARNINGS = List.of();

  private final LibraryManager libraryManager;
  private final String version;
  private final boolean fromBuildElm;

  private CqlLibraries(LibraryManager libraryManager, String version, boolean fromBuildElm) {
    this.libraryManager = libraryManager;
    this.version = version;
    this.fromBuildElm = fromBuildElm;
  }

  /** The build's ELM when it matches the CQL sources on the classpath, else the sources translated. */
  static CqlLibraries load() {
    long start = System.nanoTime();
    String version = versionOf(ClasspathCqlSources.read(ENTRY));
    Properties index = elmIndex();
    String stale = staleness(index, ClasspathCqlSources::read);
    if (stale != null) {
      log.warn("Translating the CQL at start-up: {}", stale);
      return translate();
    }
    Map<VersionedIdentifier, CompiledLibrary> compiled = new HashMap<>();
    var reader = new ElmJsonLibraryReader();
    for (String id : index.stringPropertyNames()) {
      Library library = reader.read(readResource(ELM_FOLDER + id + ".json"));
      compiled.put(library.getIdentifier(), compiledLibrary(library));
    }
    var manager = new LibraryManager(new ModelManager(), compilerOptions(), compiled);
    log.info("CARAC CQL {} loaded from the build's ELM in {} ms", version, (System.nanoTime() - start) / 1_000_000);
    return new CqlLibraries(manager, version, true);
  }

  /** Translates every library from its CQL source (the build's ELM step, tests, or a stale ELM). */
  static CqlLibraries translate() {
    long start = System.nanoTime();
    var manager = new LibraryManager(new ModelManager(), compilerOptions());
    manager.getLibrarySourceLoader().registerProvider(new ClasspathCqlSources());
    String version = versionOf(ClasspathCqlSources.read(ENTRY));
    var libraries = new CqlLibraries(manager, version, false);
    List<String> problems = new ArrayList<>();
    for (String name : ALL) {
      problems.addAll(libraries.translate(name));
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("CQL translation failed:\n  " + String.join("\n  ", problems));
    }
    var errors = new ArrayList<CqlCompilerException>();
    manager.resolveLibrary(libraries.identifier(ENTRY), errors);
    manager.resolveLibrary(libraries.identifier(ORDERS), errors);
    for (var e : errors) {
      if (e.getSeverity() == CqlCompilerException.ErrorSeverity.Error) {
        throw new IllegalStateException("CQL compilation failed: " + e.getMessage());
      }
    }
    log.info("CARAC CQL {} translated in {} ms", version, (System.nanoTime() - start) / 1_000_000);
    return libraries;
  }

  /** Signatures on every invocation let the engine skip overload resolution at run time (-6 % in the profile). */
  private static CqlCompilerOptions compilerOptions() {
    return CqlCompilerOptions.defaultOptions().withSignatureLevel(LibraryBuilder.SignatureLevel.All);
  }

  /**
   * What the engine and {@link CqlEvaluator}'s data-requirement walk read of a compiled library: the ELM, and its
   * named definitions by name (statements sorted by name, as the library manager leaves them). Functions are
   * found by the engine in the statements; the translator's operator map is only needed to translate other CQL
   * against this library, which a loaded library is never asked to do.
   */
  private static CompiledLibrary compiledLibrary(Library library) {
    var compiled = new CompiledLibrary();
    compiled.setIdentifier(library.getIdentifier());
    compiled.setLibrary(library);
    if (library.getUsings() != null) {
      library.getUsings().getDef().forEach(compiled::add);
    }
    if (library.getIncludes() != null) {
      library.getIncludes().getDef().forEach(compiled::add);
    }
    if (library.getCodeSystems() != null) {
      library.getCodeSystems().getDef().forEach(compiled::add);
    }
    if (library.getValueSets() != null) {
      library.getValueSets().getDef().forEach(compiled::add);
    }
    if (library.getCodes() != null) {
      library.getCodes().getDef().forEach(compiled::add);
    }
    if (library.getConcepts() != null) {
      library.getConcepts().getDef().forEach(compiled::add);
    }
    if (library.getParameters() != null) {
      library.getParameters().getDef().forEach(compiled::add);
    }
    if (library.getStatements() != null) {
      library.getStatements().getDef().sort(java.util.Comparator.comparing(ExpressionDef::getName));
      for (var def : library.getStatements().getDef()) {
        if (!(def instanceof FunctionDef)) {
          compiled.add(def);
        }
      }
    }
    return compiled;
  }

  /** Why the build's ELM cannot be used (missing, or compiled from other CQL), or null when it can. */
  static String staleness() {
    return staleness(elmIndex(), ClasspathCqlSources::read);
  }

  static String staleness(Properties index, java.util.function.Function<String, String> cqlSource) {
    if (index == null) {
      return "no compiled ELM on the classpath (" + ELM_INDEX + ")";
    }
    for (String name : ALL) {
      String digest = index.getProperty(name);
      if (digest == null) {
        return "the compiled ELM has no " + name;
      }
      if (!digest.equals(sha256(cqlSource.apply(name)))) {
        return "the compiled ELM of " + name + " was built from other CQL than cql/" + name + ".cql";
      }
    }
    return null;
  }

  private static Properties elmIndex() {
    try (InputStream in = CqlLibraries.class.getClassLoader().getResourceAsStream(ELM_INDEX)) {
      if (in == null) {
        return null;
      }
      var index = new Properties();
      index.load(in);
      return index;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readResource(String path) {
    try (InputStream in = CqlLibraries.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing on the classpath: " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Translation problems of one library (errors and unaccepted warnings), each with its locator. */
  List<String> translate(String name) {
    var translator = CqlTranslator.fromText(ClasspathCqlSources.read(name), libraryManager);
    List<String> problems = new ArrayList<>();
    for (var e : translator.getErrors()) {
      problems.add(name + " error " + locator(e) + ": " + e.getMessage());
    }
    for (var w : translator.getWarnings()) {
      if (ACCEPTED_WARNINGS.stream().noneMatch(a -> String.valueOf(w.getMessage()).contains(a))) {
        problems.add(name + " warning " + locator(w) + ": " + w.getMessage());
      }
    }
    return problems;
  }

  LibraryManager manager() {
    return libraryManager;
  }

  String version() {
    return version;
  }

  /** True when the libraries came from the build's ELM, false when they were translated here. */
  boolean fromBuildElm() {
    return fromBuildElm;
  }

  VersionedIdentifier identifier(String name) {
    return new VersionedIdentifier().withId(name).withVersion(version);
  }

  private static String locator(CqlCompilerException e) {
    return e.getLocator() == null ? "" : e.getLocator().toLocator();
  }

  static String versionOf(String cql) {
    var m = java.util.regex.Pattern.compile("(?m)^library\\s+\\S+\\s+version\\s+'([^']+)'").matcher(cql);
    if (!m.find()) {
      throw new IllegalStateException("CQL library without a version");
    }
    return m.group(1);
  }
}
