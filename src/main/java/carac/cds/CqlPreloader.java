package carac.cds;

import carac.cql.CqlEvaluator;
import carac.cql.SiteConfiguration;
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.context.ApplicationListener;

/**
 * Loads the CQL libraries (the build's ELM, {@code CqlEvaluator}) on their own thread from the moment the
 * application starts, while the FHIR server's beans are built on the main thread: start-up waits for the slower
 * of the two, not both.
 * Registered in META-INF/spring.factories because the event comes before any bean exists.
 */
public final class CqlPreloader implements ApplicationListener<ApplicationStartingEvent> {

  private static CompletableFuture<CqlEvaluator> evaluator;

  @Override
  public void onApplicationEvent(ApplicationStartingEvent event) {
    start();
  }

  /** The shared evaluator; waits for the loading started at application start (or starts it). */
  static CqlEvaluator evaluator() {
    return start().join();
  }

  private static synchronized CompletableFuture<CqlEvaluator> start() {
    if (evaluator == null) {
      evaluator = new CompletableFuture<>();
      Thread translation = new Thread(() -> {
        try {
          evaluator.complete(new CqlEvaluator(SiteConfiguration.empty()));
        } catch (RuntimeException | Error e) {
          evaluator.completeExceptionally(e); // surfaces as the bean's creation failure
        }
      }, "cql-translation");
      translation.setDaemon(true);
      translation.start();
    }
    return evaluator;
  }
}
