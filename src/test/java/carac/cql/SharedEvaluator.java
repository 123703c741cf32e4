package carac.cql;

/** One evaluator with the empty site configuration for the test classes that need no other (translation costs seconds). */
public final class SharedEvaluator {

  private static CqlEvaluator instance;

  private SharedEvaluator() {}

  public static synchronized CqlEvaluator get() {
    if (instance == null) {
      instance = new CqlEvaluator(SiteConfiguration.empty());
    }
    return instance;
  }
}
