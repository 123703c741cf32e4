package carac.cql;

import java.lang.reflect.Field;
import java.util.AbstractSet;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Set;
import org.opencds.cqf.cql.engine.execution.CqlEngine;
import org.opencds.cqf.cql.engine.execution.State;
import org.slf4j.LoggerFactory;

/**
 * Stops an engine from recording which resources each definition read. The engine (4.4.0) keeps a set of
 * "evaluated resources" per definition being evaluated: every retrieve adds its resources, and every definition
 * (also on a cache hit) copies its set into its caller's, so ~300 Observations are hashed again at each of
 * thousands of definition calls per course: about 5 % of an evaluation. The product never reads these sets
 * (measure reporting does, not CDS), so each level of the engine's stack holds one shared set that keeps
 * nothing. Values are untouched. If the engine's field is not there (another engine version), the engine keeps
 * recording and a line is logged once: slower, never different.
 */
final class EvaluatedResourcesOff {

  /** A set that keeps nothing: what every level of the engine's stack holds after {@link #install}. */
  static final Set<Object> NOTHING = new AbstractSet<>() {
    @Override
    public Iterator<Object> iterator() {
      return Collections.emptyIterator();
    }

    @Override
    public int size() {
      return 0;
    }

    @Override
    public boolean add(Object o) {
      return false;
    }

    @Override
    public boolean addAll(Collection<?> c) {
      return false;
    }
  };

  /** The engine pushes a new set per definition: this stack pushes {@link #NOTHING} instead. */
  private static final class StackOfNothing extends ArrayDeque<Set<Object>> {
    @Override
    public void push(Set<Object> ignored) {
      super.push(NOTHING);
    }
  }

  private static final Field FIELD = field();

  private EvaluatedResourcesOff() {}

  /** Call on a new engine, before it evaluates. */
  static void install(CqlEngine engine) {
    if (FIELD == null) {
      return;
    }
    try {
      State state = engine.getState();
      var stack = new StackOfNothing();
      for (int i = ((ArrayDeque<?>) FIELD.get(state)).size(); i > 0; i--) {
        stack.push(NOTHING);
      }
      FIELD.set(state, stack);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("the engine's evaluated-resource stack could not be replaced", e);
    }
  }

  /** Whether the engine of this build lets its recording be turned off (EvaluatedResourcesOffTest). */
  static boolean available() {
    return FIELD != null;
  }

  private static Field field() {
    try {
      Field f = State.class.getDeclaredField("evaluatedResourceStack");
      if (f.getType() != ArrayDeque.class) {
        throw new NoSuchFieldException("evaluatedResourceStack is a " + f.getType());
      }
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException | RuntimeException e) {
      LoggerFactory.getLogger(EvaluatedResourcesOff.class)
          .info("CQL engine keeps recording evaluated resources ({}): evaluations are slower", e.toString());
      return null;
    }
  }
}
