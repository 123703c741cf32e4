package carac.cql;

import ca.uhn.fhir.context.FhirContext;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import kotlin.Unit;
import org.hl7.fhir.r4.model.Bundle;
import org.opencds.cqf.cql.engine.data.CompositeDataProvider;
import org.opencds.cqf.cql.engine.execution.CqlEngine;
import org.opencds.cqf.cql.engine.execution.Environment;
import org.opencds.cqf.cql.engine.execution.EvaluationParams;
import org.opencds.cqf.cql.engine.execution.EvaluationResult;
import org.opencds.cqf.cql.engine.fhir.model.R4FhirModelResolver;
import org.opencds.cqf.cql.engine.model.CachingModelResolverDecorator;
import org.opencds.cqf.cql.engine.model.ModelResolver;
import org.opencds.cqf.cql.engine.runtime.DateTime;
import org.opencds.cqf.cql.engine.runtime.Tuple;
import org.opencds.cqf.fhir.cql.engine.retrieve.RepositoryRetrieveProvider;
import org.opencds.cqf.fhir.cql.engine.retrieve.RetrieveSettings;
import org.opencds.cqf.fhir.cql.engine.terminology.RepositoryTerminologyProvider;
import org.opencds.cqf.fhir.utility.repository.InMemoryFhirRepository;

/**
 * The facade over the CQL engine: evaluates the CARAC libraries for one patient at one as-of instant.
 *
 * <p>Construction translates every library (about 5 s on 2 cores) and fails if any does not translate
 * cleanly;
 * build one per process and share it. {@link #evaluate} is thread-safe: each call gets a fresh engine,
 * repository and cache over its own bundle, so no state crosses between patients or requests.
 */
public final class CqlEvaluator {

  private static final List<String> EXPRESSIONS =
      List.of("Infusion Date", "As Of Day", "Days", "Baseline", "Data Quality", "Card Data");

  private final CqlLibraries libraries;
  private final FhirContext fhirContext;
  private final ModelResolver modelResolver;
  private final SiteConfiguration site;

  public CqlEvaluator(SiteConfiguration site) {
    this.site = Objects.requireNonNull(site, "site");
    this.fhirContext = FhirContext.forR4Cached();
    this.modelResolver = new CachingModelResolverDecorator(new SingleStepPathResolver());
    this.libraries = new CqlLibraries();
  }

  /** The release-train version of the CARAC libraries (equal to the Maven project version). */
  public String libraryVersion() {
    return libraries.version();
  }

  /**
   * Evaluates one patient.
   *
   * @param patientData a bundle that holds only this patient's resources with typed ids (see
   *     {@code carac.fhir.PatientBundle}); it is read, never modified
   * @param patientId the id part of the Patient
   * @param asOf the evaluation instant with its UTC offset; later records are not yet known
   * @param extraDataQuality issues found before the engine ran (e.g. records of another patient)
   */
  public CaracEvaluation evaluate(
      Bundle patientData,
      String patientId,
      OffsetDateTime asOf,
      List<CaracEvaluation.DataQualityIssue> extraDataQuality) {
    var repository = new InMemoryFhirRepository(fhirContext, patientData);
    var retrieve =
        new RepositoryRetrieveProvider(
            repository, new RepositoryTerminologyProvider(repository), new RetrieveSettings());
    var data = new CompositeDataProvider(modelResolver, retrieve);
    var environment =
        new Environment(libraries.manager(), Map.of("http://hl7.org/fhir", data), null);
    var engine = new CqlEngine(environment, EnumSet.of(CqlEngine.Options.EnableExpressionCaching));

    var params = new EvaluationParams.Builder();
    params.library(
        CqlLibraries.ENTRY,
        lib -> {
          lib.expressions(EXPRESSIONS);
          return Unit.INSTANCE;
        });
    params.setContextParameter(new kotlin.Pair<>("Patient", patientId));
    params.setEvaluationDateTime(asOf.toZonedDateTime());
    params.setParameters(parameters(asOf));

    var results = engine.evaluate(params.build());
    if (results.hasExceptions()) {
      var e = results.getExceptions().values().iterator().next();
      throw new CqlEvaluationException("CQL evaluation failed: " + e.getMessage(), e);
    }
    EvaluationResult result = results.getResults().values().iterator().next();
    return new CqlResultMapper(extraDataQuality)
        .map(
            "Patient/" + patientId,
            asOf.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
            result.get("Infusion Date").getValue(),
            result.get("As Of Day").getValue(),
            result.get("Days").getValue(),
            result.get("Baseline").getValue(),
            result.get("Data Quality").getValue(),
            result.get("Card Data").getValue());
  }

  private Map<String, Object> parameters(OffsetDateTime asOf) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("As Of", new DateTime(asOf));
    if (!site.unitMap().isEmpty()) {
      p.put(
          "Site Unit Map",
          site.unitMap().stream()
              .map(m -> tuple("loinc", m.loinc(), "unit", m.unit(), "ucum", m.ucum()))
              .toList());
    }
    if (!site.referenceRanges().isEmpty()) {
      p.put(
          "Site Reference Ranges",
          site.referenceRanges().stream()
              .map(r -> tuple("loinc", r.loinc(), "ucum", r.ucum(), "low", r.low(), "high", r.high()))
              .toList());
    }
    if (!site.carTCodes().isEmpty()) {
      p.put(
          "Site CAR-T Codes",
          site.carTCodes().stream().map(c -> tuple("system", c.system(), "code", c.code())).toList());
    }
    return p;
  }

  private static Tuple tuple(Object... keyValues) {
    Map<String, Object> elements = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      elements.put((String) keyValues[i], keyValues[i + 1]);
    }
    var t = new Tuple();
    t.setElements(elements);
    return t;
  }

  /**
   * The R4 model resolver, minus one cost: the engine's resolvePath compiles a regex on every property
   * access to split dotted paths (10 % of evaluation time in the profile). A path without '.' or '['
   * is one property, so it goes straight to resolveProperty, which is what the split loop would call.
   */
  private static final class SingleStepPathResolver extends R4FhirModelResolver {
    @Override
    public Object resolvePath(Object target, String path) {
      if (target != null && !path.isEmpty() && path.indexOf('.') < 0 && path.indexOf('[') < 0) {
        return resolveProperty(target, path);
      }
      return super.resolvePath(target, path);
    }
  }

  /** The engine failed on this patient's data; the message names the failing expression. */
  public static final class CqlEvaluationException extends RuntimeException {
    CqlEvaluationException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
