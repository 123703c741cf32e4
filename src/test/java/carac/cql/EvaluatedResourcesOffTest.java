package carac.cql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.cqframework.cql.cql2elm.LibraryManager;
import org.cqframework.cql.cql2elm.ModelManager;
import org.junit.jupiter.api.Test;
import org.opencds.cqf.cql.engine.execution.CqlEngine;
import org.opencds.cqf.cql.engine.execution.Environment;

/** The engine of this build lets its evaluated-resource recording be turned off (an engine upgrade that removes
 * the field fails here, not silently slower). Same answers: every scenario evaluation runs with it. */
class EvaluatedResourcesOffTest {

  @Test
  void theEngineRecordsNoEvaluatedResources() {
    assertThat(EvaluatedResourcesOff.available()).isTrue();
    var engine = new CqlEngine(new Environment(new LibraryManager(new ModelManager()), Map.of(), null));
    EvaluatedResourcesOff.install(engine);
    var state = engine.getState();
    state.pushEvaluatedResourceStack(); // the root, as an evaluation begins
    state.pushEvaluatedResourceStack(); // a definition
    state.getEvaluatedResources().addAll(List.of("Observation/1", "Observation/2"));
    state.getEvaluatedResources().add("Observation/3");
    state.popEvaluatedResourceStack();
    assertThat(state.getEvaluatedResources()).isEmpty();
  }

  @Test
  void theSetThatKeepsNothingKeepsNothing() {
    assertThat(EvaluatedResourcesOff.NOTHING.add("x")).isFalse();
    assertThat(EvaluatedResourcesOff.NOTHING.addAll(List.of("y"))).isFalse();
    assertThat(EvaluatedResourcesOff.NOTHING).isEmpty();
  }
}
