package carac.cql;

import java.util.ArrayList;
import java.util.List;
import org.cqframework.cql.cql2elm.CqlCompilerException;
import org.cqframework.cql.cql2elm.CqlCompilerOptions;
import org.cqframework.cql.cql2elm.CqlTranslator;
import org.cqframework.cql.cql2elm.LibraryBuilder;
import org.cqframework.cql.cql2elm.LibraryManager;
import org.cqframework.cql.cql2elm.ModelManager;
import org.hl7.elm.r1.VersionedIdentifier;
import org.slf4j.LoggerFactory;

/**
 * Translates the CARAC libraries once into a long-lived {@link LibraryManager} cache (stack-notes §4:
 * keep the source, compile at start-up, keep the compiled cache alive). Any translation error, or a
 * warning that is not on the accepted list, stops start-up: a library that does not translate cleanly
 * must never evaluate a patient.
 */
final class CqlLibraries {

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

  /**
   * Warnings we decided to accept, matched as substrings of the message. Empty: every warning fails
   * the build.
   */
  static final List<String> ACCEPTED_WARNINGS = List.of();

  private final LibraryManager libraryManager;
  private final String version;

  CqlLibraries() {
    long start = System.nanoTime();
    // Signatures on every invocation let the engine skip overload resolution at run time (-6 % in the profile).
    var options = CqlCompilerOptions.defaultOptions().withSignatureLevel(LibraryBuilder.SignatureLevel.All);
    this.libraryManager = new LibraryManager(new ModelManager(), options);
    libraryManager.getLibrarySourceLoader().registerProvider(new ClasspathCqlSources());
    this.version = versionOf(ClasspathCqlSources.read(ENTRY));
    List<String> problems = new ArrayList<>();
    for (String name : ALL) {
      problems.addAll(translate(name));
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("CQL translation failed:\n  " + String.join("\n  ", problems));
    }
    var errors = new ArrayList<CqlCompilerException>();
    libraryManager.resolveLibrary(identifier(ENTRY), errors);
    libraryManager.resolveLibrary(identifier(ORDERS), errors);
    for (var e : errors) {
      if (e.getSeverity() == CqlCompilerException.ErrorSeverity.Error) {
        throw new IllegalStateException("CQL compilation failed: " + e.getMessage());
      }
    }
    LoggerFactory.getLogger(CqlLibraries.class).info("CARAC CQL {} translated in {} ms", version,
        (System.nanoTime() - start) / 1_000_000);
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
