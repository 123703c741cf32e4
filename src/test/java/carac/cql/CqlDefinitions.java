package carac.cql;

import ca.uhn.fhir.context.FhirContext;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kotlin.Unit;
import org.hl7.fhir.r4.model.Bundle;
import org.opencds.cqf.cql.engine.data.CompositeDataProvider;
import org.opencds.cqf.cql.engine.execution.CqlEngine;
import org.opencds.cqf.cql.engine.execution.Environment;
import org.opencds.cqf.cql.engine.execution.EvaluationParams;
import org.opencds.cqf.cql.engine.fhir.model.R4FhirModelResolver;
import org.opencds.cqf.fhir.cql.engine.retrieve.RepositoryRetrieveProvider;
import org.opencds.cqf.fhir.cql.engine.retrieve.RetrieveSettings;
import org.opencds.cqf.fhir.cql.engine.terminology.RepositoryTerminologyProvider;
import org.opencds.cqf.fhir.utility.repository.InMemoryFhirRepository;

/** Test helper: named definitions of one CARAC library evaluated by the engine with no patient data. */
final class CqlDefinitions {

  private final CqlLibraries libraries = CqlLibraries.load();

  Map<String, Object> evaluate(String library, List<String> names) {
    var fhir = FhirContext.forR4Cached();
    var repository = new InMemoryFhirRepository(fhir, new Bundle());
    var retrieve = new RepositoryRetrieveProvider(
        repository, new RepositoryTerminologyProvider(repository), new RetrieveSettings());
    var data = new CompositeDataProvider(new R4FhirModelResolver(), retrieve);
    var engine = new CqlEngine(new Environment(libraries.manager(), Map.of("http://hl7.org/fhir", data), null),
        EnumSet.noneOf(CqlEngine.Options.class));
    var params = new EvaluationParams.Builder();
    params.library(libraries.identifier(library), lib -> {
      lib.expressions(names);
      return Unit.INSTANCE;
    });
    params.setContextParameter(new kotlin.Pair<>("Patient", "no-patient"));
    var results = engine.evaluate(params.build());
    if (results.hasExceptions()) {
      throw new IllegalStateException(results.getExceptions().toString());
    }
    var result = results.getResults().values().iterator().next();
    Map<String, Object> out = new LinkedHashMap<>();
    names.forEach(n -> out.put(n, result.get(n).getValue()));
    return out;
  }
}
