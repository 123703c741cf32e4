package carac.cql;

import ca.uhn.fhir.context.FhirContext;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Stream;
import kotlin.Unit;
import org.hl7.fhir.r4.model.Bundle;
import org.opencds.cqf.cql.engine.data.CompositeDataProvider;
import org.opencds.cqf.cql.engine.execution.CqlEngine;
import org.opencds.cqf.cql.engine.execution.Environment;
import org.opencds.cqf.cql.engine.execution.EvaluationParams;
import org.opencds.cqf.cql.engine.execution.EvaluationResult;
import org.opencds.cqf.cql.engine.model.CachingModelResolverDecorator;
import org.opencds.cqf.cql.engine.model.ModelResolver;
import org.opencds.cqf.cql.engine.runtime.DateTime;
import org.opencds.cqf.cql.engine.runtime.Tuple;
import org.opencds.cqf.fhir.cql.engine.terminology.RepositoryTerminologyProvider;
import org.opencds.cqf.fhir.utility.repository.InMemoryFhirRepository;

/**
 * The facade over the CQL engine: evaluates the CARAC libraries for one patient at one as-of instant.
 *
 * <p>Construction loads the libraries the build compiled (well under a second; {@link CqlLibraries#load}, which
 * translates the CQL instead when that ELM is missing or stale and fails if it does not translate cleanly);
 * build one per process and share it. {@link #evaluate} is thread-safe: each call gets a fresh engine,
 * repository and cache over its own bundle, so no state crosses between patients or requests.
 */
public final class CqlEvaluator {

  /** What the cards read. */
  private static final List<String> CARD_EXPRESSIONS =
      List.of("Infusion Date", "As Of Day", "Days", "Baseline", "Course", "Data Quality", "Card Data");

  /** What the SMART app's chart reads besides. */
  private static final List<String> CHART_EXPRESSIONS =
      List.of("Chart Window", "Peak Window", "Chart Series", "Chart Events");

  private static final List<String> EXPRESSIONS =
      Stream.concat(CARD_EXPRESSIONS.stream(), CHART_EXPRESSIONS.stream()).toList();

  private final CqlLibraries libraries;
  private final FhirContext fhirContext;
  private final ModelResolver modelResolver;
  private final SiteConfiguration site;
  /** The CARAC libraries use codes, never value sets: an empty terminology source, built once. */
  private final RepositoryTerminologyProvider terminology;

  public CqlEvaluator(SiteConfiguration site) {
    this.site = Objects.requireNonNull(site, "site");
    this.fhirContext = CqlFhirContext.get();
    // the engine's R4 model resolver reads the definition of every R4 resource type when it is built (about 1.5 s
    // of a cold start): built on another thread while this one loads the libraries
    var modelWarmUp = new FutureTask<ModelResolver>(() -> new CachingModelResolverDecorator(new R4PathResolver()));
    var thread = new Thread(modelWarmUp, "carac-model-warm-up");
    thread.setDaemon(true);
    thread.start();
    this.libraries = CqlLibraries.load();
    // also builds the FHIRPath engine the retrieve providers share (cached per FHIR version; about 0.1 s)
    this.terminology = new RepositoryTerminologyProvider(new InMemoryFhirRepository(fhirContext));
    this.modelResolver = joined(modelWarmUp);
  }

  private static ModelResolver joined(FutureTask<ModelResolver> task) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the model resolver", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
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
    return evaluate(patientData, patientId, asOf, extraDataQuality, EXPRESSIONS);
  }

  /**
   * As {@link #evaluate}, without the SMART app's chart (window, series, events: empty here): what a CDS
   * Hooks response needs, about 5 % less work per call. The cards are the same (ScenarioCardsTest).
   */
  public CaracEvaluation evaluateForCards(
      Bundle patientData,
      String patientId,
      OffsetDateTime asOf,
      List<CaracEvaluation.DataQualityIssue> extraDataQuality) {
    return evaluate(patientData, patientId, asOf, extraDataQuality, CARD_EXPRESSIONS);
  }

  private CaracEvaluation evaluate(Bundle patientData, String patientId, OffsetDateTime asOf,
      List<CaracEvaluation.DataQualityIssue> extraDataQuality, List<String> expressions) {
    Map<String, Object> values = run(patientData, patientId, asOf, CqlLibraries.ENTRY, expressions, parameters(asOf));
    return new CqlResultMapper(extraDataQuality)
        .map("Patient/" + patientId, asOf.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), values);
  }

  /**
   * Evaluates the order-time rules (CaracOrders, clinical-reference.md §7.5) for one patient's draft orders.
   * The drafts are data of the call, handed to the CQL as the parameter "Draft Orders"; the CQL decides which
   * of them count (status draft, this patient) and what their drug class is.
   *
   * @param drafts the draft MedicationRequests of {@code context.draftOrders} (for order-select: the selected ones)
   */
  public OrderEvaluation evaluateOrders(Bundle patientData, String patientId, OffsetDateTime asOf,
      List<org.hl7.fhir.r4.model.MedicationRequest> drafts) {
    Map<String, Object> p = parameters(asOf);
    p.put("Draft Orders", List.copyOf(drafts));
    var result = run(patientData, patientId, asOf, CqlLibraries.ORDERS, ORDER_EXPRESSIONS, p);
    Object infusion = result.get("Infusion Date");
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) CqlResultMapper.plainValue(result.get("Order Card Data"));
    return new OrderEvaluation("Patient/" + patientId, asOf.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
        infusion == null ? null : ((org.opencds.cqf.cql.engine.runtime.Date) infusion).getDate().toString(),
        data == null ? null : (Integer) data.get("asOfDay"), data);
  }

  private static final List<String> ORDER_EXPRESSIONS = List.of("Infusion Date", "Order Card Data");

  private Map<String, Object> run(Bundle patientData, String patientId, OffsetDateTime asOf, String library,
      List<String> expressions, Map<String, Object> parameters) {
    var retrieve = new IndexedBundleRetrieveProvider(fhirContext, terminology, patientData);
    var data = new CompositeDataProvider(modelResolver, retrieve);
    var environment =
        new Environment(libraries.manager(), Map.of("http://hl7.org/fhir", data), null);
    var engine = new CqlEngine(environment, EnumSet.of(CqlEngine.Options.EnableExpressionCaching));
    FunctionCacheByIdentity.install(engine);
    EvaluatedResourcesOff.install(engine);
    var params = new EvaluationParams.Builder();
    params.library(libraries.identifier(library), lib -> { // versioned: the loaded ELM is keyed by id and version
      lib.expressions(expressions);
      return Unit.INSTANCE;
    });
    params.setContextParameter(new kotlin.Pair<>("Patient", patientId));
    params.setEvaluationDateTime(asOf.toZonedDateTime());
    params.setParameters(parameters);
    var results = engine.evaluate(params.build());
    if (results.hasExceptions()) {
      var e = results.getExceptions().values().iterator().next();
      throw new CqlEvaluationException("CQL evaluation failed: " + e.getMessage(), e);
    }
    EvaluationResult result = results.getResults().values().iterator().next();
    Map<String, Object> values = new HashMap<>();
    expressions.forEach(name -> values.put(name, result.get(name).getValue()));
    return values;
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
    if (!site.drugCodes().isEmpty()) {
      p.put(
          "Site Drug Codes",
          site.drugCodes().stream()
              .map(c -> tuple("system", c.system(), "code", c.code(), "drugClass", c.drugClass())).toList());
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
   * What the CARAC libraries retrieve, read from the compiled ELM of every library: one entry per retrieve,
   * with the codes it filters on. No codes means the CQL reads every record of that type (also when the
   * codes are a function argument known only at run time). The CDS Hooks prefetch is derived from this, so
   * it cannot drift from the CQL. (The translator's DataRequirementsProcessor leaves codes of concepts in
   * included libraries empty, so the ELM is walked here.)
   */
  public List<DataRequirement> dataRequirements() {
    List<DataRequirement> requirements = new java.util.ArrayList<>();
    for (String name : CqlLibraries.ALL) {
      requirements.addAll(dataRequirements(name));
    }
    return List.copyOf(requirements);
  }

  /** The retrieves of one CARAC library. */
  List<DataRequirement> dataRequirements(String library) {
    var manager = libraries.manager();
    var compiled = manager.resolveLibrary(libraries.identifier(library));
    var retrieves = new java.util.ArrayList<org.hl7.elm.r1.Retrieve>();
    new RetrieveCollector().visitLibrary(compiled.getLibrary(), retrieves);
    List<DataRequirement> requirements = new java.util.ArrayList<>();
    for (var retrieve : retrieves) {
      requirements.add(requirement(manager, compiled, retrieve));
    }
    return requirements;
  }

  /**
   * What decides whether the patient has a CAR-T course at all: the retrieves reachable from
   * {@code CaracSummary."Infusion Date"} through every expression and function it refers to (in any library).
   * The lean path gathers only these before {@link #hasCourse}; walked from the ELM, so it cannot drift from the CQL.
   */
  public List<DataRequirement> courseDataRequirements() {
    var manager = libraries.manager();
    var entry = manager.resolveLibrary(libraries.identifier(CqlLibraries.ENTRY));
    var walker = new ReachableRetrieves(manager);
    walker.visitDefinitions(entry, COURSE_EXPRESSION);
    List<DataRequirement> requirements = new java.util.ArrayList<>();
    walker.found.forEach((retrieve, owner) -> requirements.add(requirement(manager, owner, retrieve)));
    return List.copyOf(requirements);
  }

  private static final String COURSE_EXPRESSION = "Infusion Date";

  /**
   * Whether the patient has a CAR-T course at the as-of instant: CaracSummary."Infusion Date" alone (day 0 of
   * the latest course on or before the as-of date, clinical-reference.md §7.1, fhir-input-profile.md P3.1).
   * The hooks answer a patient without one after this check (the lean path); {@code patientData} needs only
   * what {@link #courseDataRequirements()} names.
   */
  public boolean hasCourse(Bundle patientData, String patientId, OffsetDateTime asOf) {
    return run(patientData, patientId, asOf, CqlLibraries.ENTRY, List.of(COURSE_EXPRESSION), parameters(asOf))
        .get(COURSE_EXPRESSION) != null;
  }

  private DataRequirement requirement(org.cqframework.cql.cql2elm.LibraryManager manager,
      org.cqframework.cql.cql2elm.model.CompiledLibrary compiled, org.hl7.elm.r1.Retrieve retrieve) {
    List<DataRequirement.Code> codes = new java.util.ArrayList<>();
    boolean resolved = retrieve.getCodes() != null && addCodes(manager, compiled, retrieve.getCodes(), codes);
    return new DataRequirement(
        retrieve.getDataType().getLocalPart(),
        resolved ? retrieve.getCodeProperty() : null,
        resolved ? List.copyOf(codes) : List.of());
  }

  /** Adds the codes of a retrieve's code expression; false if they are not static (e.g. an operand). */
  private boolean addCodes(
      org.cqframework.cql.cql2elm.LibraryManager manager,
      org.cqframework.cql.cql2elm.model.CompiledLibrary from,
      org.hl7.elm.r1.Expression expression,
      List<DataRequirement.Code> codes) {
    if (expression instanceof org.hl7.elm.r1.ConceptRef ref) {
      var owner = owner(manager, from, ref.getLibraryName());
      for (var code : owner.resolveConceptRef(ref.getName()).getCode()) {
        addCode(manager, owner, code, codes);
      }
      return true;
    }
    if (expression instanceof org.hl7.elm.r1.CodeRef ref) {
      addCode(manager, from, ref, codes);
      return true;
    }
    if (expression instanceof org.hl7.elm.r1.Property property && "codes".equals(property.getPath())
        && property.getSource() != null) {
      return addCodes(manager, from, property.getSource(), codes); // a Concept's codes, as the translator writes it
    }
    if (expression instanceof org.hl7.elm.r1.UnaryExpression unary) {
      return addCodes(manager, from, unary.getOperand(), codes);
    }
    if (expression instanceof org.hl7.elm.r1.List list) {
      for (var element : list.getElement()) {
        if (!addCodes(manager, from, element, codes)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private void addCode(
      org.cqframework.cql.cql2elm.LibraryManager manager,
      org.cqframework.cql.cql2elm.model.CompiledLibrary from,
      org.hl7.elm.r1.CodeRef ref,
      List<DataRequirement.Code> codes) {
    var owner = owner(manager, from, ref.getLibraryName());
    var code = owner.resolveCodeRef(ref.getName());
    var system = owner(manager, owner, code.getCodeSystem().getLibraryName())
        .resolveCodeSystemRef(code.getCodeSystem().getName());
    codes.add(new DataRequirement.Code(system.getId(), code.getId()));
  }

  /** The library an ELM reference points into: the same library, or the included one by its alias. */
  private org.cqframework.cql.cql2elm.model.CompiledLibrary owner(
      org.cqframework.cql.cql2elm.LibraryManager manager,
      org.cqframework.cql.cql2elm.model.CompiledLibrary from,
      String alias) {
    if (alias == null) {
      return from;
    }
    var include = from.resolveIncludeRef(alias);
    return manager.resolveLibrary(
        new org.hl7.elm.r1.VersionedIdentifier().withId(include.getPath()).withVersion(include.getVersion()));
  }

  /**
   * Collects the Retrieve nodes reachable from named definitions, following expression and function
   * references into the libraries they name (each definition once).
   */
  private final class ReachableRetrieves
      extends org.cqframework.cql.elm.visiting.BaseElmLibraryVisitor<Void, org.cqframework.cql.cql2elm.model.CompiledLibrary> {
    private final org.cqframework.cql.cql2elm.LibraryManager manager;
    private final Map<org.hl7.elm.r1.Retrieve, org.cqframework.cql.cql2elm.model.CompiledLibrary> found =
        new java.util.IdentityHashMap<>();
    private final java.util.Set<org.hl7.elm.r1.ExpressionDef> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    ReachableRetrieves(org.cqframework.cql.cql2elm.LibraryManager manager) {
      this.manager = manager;
    }

    void visitDefinitions(org.cqframework.cql.cql2elm.model.CompiledLibrary library, String name) {
      for (var def : library.getLibrary().getStatements().getDef()) {
        if (name.equals(def.getName()) && seen.add(def) && def.getExpression() != null) {
          visitExpression(def.getExpression(), library);
        }
      }
    }

    @Override
    public Void visitRetrieve(org.hl7.elm.r1.Retrieve retrieve, org.cqframework.cql.cql2elm.model.CompiledLibrary library) {
      found.put(retrieve, library);
      return super.visitRetrieve(retrieve, library);
    }

    @Override
    public Void visitExpressionRef(org.hl7.elm.r1.ExpressionRef ref, org.cqframework.cql.cql2elm.model.CompiledLibrary library) {
      visitDefinitions(owner(manager, library, ref.getLibraryName()), ref.getName());
      return super.visitExpressionRef(ref, library);
    }

    @Override
    public Void visitFunctionRef(org.hl7.elm.r1.FunctionRef ref, org.cqframework.cql.cql2elm.model.CompiledLibrary library) {
      visitDefinitions(owner(manager, library, ref.getLibraryName()), ref.getName());
      return super.visitFunctionRef(ref, library);
    }

    @Override
    public Void defaultResult(org.hl7.elm.r1.Element element, org.cqframework.cql.cql2elm.model.CompiledLibrary library) {
      return null;
    }
  }

  /** Collects every Retrieve node of a library's ELM. */
  private static final class RetrieveCollector
      extends org.cqframework.cql.elm.visiting.BaseElmLibraryVisitor<Void, List<org.hl7.elm.r1.Retrieve>> {
    @Override
    public Void visitRetrieve(org.hl7.elm.r1.Retrieve retrieve, List<org.hl7.elm.r1.Retrieve> found) {
      found.add(retrieve);
      return super.visitRetrieve(retrieve, found);
    }

    @Override
    public Void defaultResult(org.hl7.elm.r1.Element element, List<org.hl7.elm.r1.Retrieve> found) {
      return null;
    }
  }

  /**
   * One retrieve of the CQL: a FHIR resource type and, when the retrieve filters by code, the element
   * path and the codes (any of them matches). No codes: the CQL reads every record of the type.
   */
  public record DataRequirement(String type, String codePath, List<Code> codes) {
    /** A code system URI and code. */
    public record Code(String system, String code) {}
  }

  /** The engine failed on this patient's data; the message names the failing expression. */
  public static final class CqlEvaluationException extends RuntimeException {
    CqlEvaluationException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
