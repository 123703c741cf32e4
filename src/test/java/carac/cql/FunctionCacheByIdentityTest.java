package carac.cql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.IdentityHashMap;
import java.util.Map;
import org.cqframework.cql.cql2elm.LibraryManager;
import org.cqframework.cql.cql2elm.ModelManager;
import org.junit.jupiter.api.Test;
import org.opencds.cqf.cql.engine.execution.CqlEngine;
import org.opencds.cqf.cql.engine.execution.Environment;

/** The engine of this build lets its function cache be keyed by node identity (an engine upgrade that removes
 * the field fails here, not silently slower). Same answers: every scenario evaluation runs with it. */
class FunctionCacheByIdentityTest {

  @Test
  void theEnginesFunctionCacheIsKeyedByIdentity() {
    assertThat(FunctionCacheByIdentity.available()).isTrue();
    var engine = new CqlEngine(new Environment(new LibraryManager(new ModelManager()), Map.of(), null));
    FunctionCacheByIdentity.install(engine);
    assertThat(engine.getCache().getFunctionCache()).isInstanceOf(IdentityHashMap.class);
  }
}
