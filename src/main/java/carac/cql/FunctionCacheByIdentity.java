package carac.cql;

import java.lang.reflect.Field;
import java.util.IdentityHashMap;
import java.util.Map;
import org.hl7.elm.r1.FunctionDef;
import org.hl7.elm.r1.FunctionRef;
import org.opencds.cqf.cql.engine.execution.Cache;
import org.opencds.cqf.cql.engine.execution.CqlEngine;
import org.slf4j.LoggerFactory;

/**
 * Gives an engine's function cache identity keys. The engine (4.4.0) looks up the FunctionDef of every
 * function call in a HashMap keyed by the calling FunctionRef node, whose generated hashCode walks the whole
 * node (operand expressions, signature types) twice per call (containsKey, then get): about 8 % of an
 * evaluation in the profile, for ~7,000 calls per 35-day course. The ELM is compiled once and never changed,
 * so the node itself is the key: the same node resolves to the same FunctionDef either way. The cache is
 * per engine, so per patient evaluation. If the engine's field is not there (another engine version), the
 * engine keeps its own map and a line is logged once: slower, never different.
 */
final class FunctionCacheByIdentity {

  private static final Field FIELD = field();

  private FunctionCacheByIdentity() {}

  static void install(CqlEngine engine) {
    if (FIELD == null) {
      return;
    }
    try {
      Cache cache = engine.getCache();
      if (cache.getFunctionCache().isEmpty()) {
        FIELD.set(cache, new IdentityHashMap<FunctionRef, FunctionDef>());
      }
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("the engine's function cache could not be replaced", e);
    }
  }

  /** Whether the engine of this build lets the cache be keyed by identity (FunctionCacheByIdentityTest). */
  static boolean available() {
    return FIELD != null;
  }

  private static Field field() {
    try {
      Field f = Cache.class.getDeclaredField("functionCache");
      if (!Map.class.isAssignableFrom(f.getType())) {
        throw new NoSuchFieldException("functionCache is a " + f.getType());
      }
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException | RuntimeException e) {
      LoggerFactory.getLogger(FunctionCacheByIdentity.class)
          .info("CQL engine function cache kept as it is ({}): function calls are resolved more slowly", e.toString());
      return null;
    }
  }
}
