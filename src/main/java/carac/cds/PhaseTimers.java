package carac.cds;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Micrometer timers {@code carac.cds.phase{endpoint, phase}} for auth, prefetch-parse, callbacks, cql and
 * cards, with percentiles for the Prometheus endpoint. Thread-safe.
 */
public final class PhaseTimers {

  public static final String METER = "carac.cds.phase";

  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public PhaseTimers(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A clock for one endpoint ({@code patient-view}, {@code app-summary}). */
  public PatientDataAssembler.PhaseClock forEndpoint(String endpoint) {
    return new PatientDataAssembler.PhaseClock() {
      @Override
      public <T> T time(String phase, Supplier<T> work) {
        return PhaseTimers.this.time(endpoint, phase, work);
      }
    };
  }

  public <T> T time(String endpoint, String phase, Supplier<T> work) {
    Timer timer = timer(endpoint, phase);
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  /** Counts a card dropped because it failed the CDS Hooks 2.0 check ({@code carac.cds.cards.dropped{rule}}). */
  public void cardDropped(String rule) {
    registry.counter(DROPPED, "rule", rule == null ? "unknown" : rule).increment();
  }

  public static final String DROPPED = "carac.cds.cards.dropped";

  public void record(String endpoint, String phase, long nanos) {
    timer(endpoint, phase).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  private Timer timer(String endpoint, String phase) {
    return timers.computeIfAbsent(endpoint + "|" + phase, k -> Timer.builder(METER)
        .description("time spent in one phase of a CDS Hooks or app evaluation")
        .tag("endpoint", endpoint)
        .tag("phase", phase)
        .publishPercentiles(0.5, 0.99)
        .publishPercentileHistogram()
        .register(registry));
  }
}
