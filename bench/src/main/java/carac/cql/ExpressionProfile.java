package carac.cql;

import carac.bench.CohortBenchmark;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kotlin.Unit;
import org.hl7.elm.r1.Element;
import org.hl7.elm.r1.ExpressionDef;
import org.hl7.elm.r1.FunctionDef;
import org.opencds.cqf.cql.engine.data.CompositeDataProvider;
import org.opencds.cqf.cql.engine.execution.CqlEngine;
import org.opencds.cqf.cql.engine.execution.Environment;
import org.opencds.cqf.cql.engine.execution.EvaluationParams;
import org.opencds.cqf.cql.engine.execution.Profile;
import org.opencds.cqf.cql.engine.model.CachingModelResolverDecorator;
import org.opencds.cqf.cql.engine.runtime.DateTime;
import org.opencds.cqf.fhir.cql.engine.terminology.RepositoryTerminologyProvider;
import org.opencds.cqf.fhir.utility.repository.InMemoryFhirRepository;

/**
 * Where the milliseconds of one 35-day course go, by CQL definition: the engine's own profiler
 * (CqlEngine.Options.EnableProfiling) over the same libraries, summed per definition name (inclusive and
 * self time, evaluations, cache misses). Warms up first; prints the top definitions of the last N runs.
 * Run: ./mvnw -B -q -Pbench compile exec:java -Dexec.mainClass=carac.cql.ExpressionProfile [-Dprofile.runs=50]
 */
public final class ExpressionProfile {

  public static void main(String[] args) throws Exception {
    Path base = Path.of(System.getProperty("bench.basedir", "."));
    int runs = Integer.getInteger("profile.runs", 50);
    var generator = new CohortBenchmark.CohortGenerator(
        new ObjectMapper().readTree(base.resolve("bench/cohort-template.json").toFile()), 20240108L);
    var course = generator.patient(0);
    var libraries = CqlLibraries.load();
    var fhir = CqlFhirContext.get();
    var resolver = new CachingModelResolverDecorator(new R4PathResolver());
    var terminology = new RepositoryTerminologyProvider(new InMemoryFhirRepository(fhir));
    Map<String, long[]> totals = new HashMap<>();
    long wall = 0;
    for (int i = 0; i < runs * 3; i++) {
      var retrieve = new IndexedBundleRetrieveProvider(fhir, terminology, course.patient().bundle());
      var env = new Environment(libraries.manager(), Map.of("http://hl7.org/fhir", new CompositeDataProvider(resolver, retrieve)), null);
      boolean measured = i >= runs * 2;
      var options = EnumSet.of(CqlEngine.Options.EnableExpressionCaching);
      if (measured) {
        options.add(CqlEngine.Options.EnableProfiling);
      }
      var engine = new CqlEngine(env, options);
      var params = new EvaluationParams.Builder();
      params.library(libraries.identifier(CqlLibraries.ENTRY), lib -> {
        lib.expressions(List.of("Infusion Date", "As Of Day", "Days", "Baseline", "Course", "Data Quality", "Card Data",
            "Chart Window", "Peak Window", "Chart Series", "Chart Events"));
        return Unit.INSTANCE;
      });
      params.setContextParameter(new kotlin.Pair<>("Patient", course.patient().patientId()));
      params.setEvaluationDateTime(course.asOf().toZonedDateTime());
      params.setParameters(Map.of("As Of", new DateTime(course.asOf())));
      long t0 = System.nanoTime();
      var results = engine.evaluate(params.build());
      if (measured) {
        wall += System.nanoTime() - t0;
        Profile profile = results.getResults().values().iterator().next().getDebugResult().getProfile();
        walk(profile.getTree(), totals);
      }
    }
    System.out.printf("%d profiled runs, mean wall %.1f ms (profiling on)%n", runs, wall / 1e6 / runs);
    System.out.printf("%10s %10s %9s %8s  %s%n", "incl ms", "self ms", "evals", "misses", "definition");
    totals.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(45)
        .forEach(e -> System.out.printf("%10.2f %10.2f %9d %8d  %s%n", e.getValue()[0] / 1e6 / runs,
            e.getValue()[1] / 1e6 / runs, e.getValue()[2] / runs, e.getValue()[3] / runs, e.getKey()));
  }

  private static void walk(Profile.Node node, Map<String, long[]> totals) {
    long childTime = 0;
    for (var byElement : node.getChildren().values()) {
      if (byElement == null) {
        continue;
      }
      for (var child : byElement.values()) {
        childTime += child.getTime();
        walk(child, totals);
      }
    }
    Element e = node.getExpression();
    if (e == null) {
      return;
    }
    String name = e instanceof FunctionDef f ? f.getName() + "()" : e instanceof ExpressionDef d ? d.getName() : e.getClass().getSimpleName();
    long[] t = totals.computeIfAbsent(name, k -> new long[4]);
    t[0] += node.getTime();
    t[1] += node.getTime() - childTime;
    t[2] += node.getCount();
    t[3] += node.getMisses();
  }
}
