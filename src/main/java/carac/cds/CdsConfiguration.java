package carac.cds;

import carac.cql.CqlEvaluator;
import carac.fhir.FhirFetchSettings;
import carac.fhir.FhirServerAllowList;
import carac.fhir.PatientDataFetcher;
import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The CDS Hooks service's beans: evaluator, prefetch, call-backs, feedback store, timers. */
@Configuration
@EnableConfigurationProperties(CdsProperties.class)
public class CdsConfiguration {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CdsConfiguration.class);

  /** One evaluator per process (translation takes seconds, started early); the app and the service share it. */
  @Bean
  @ConditionalOnMissingBean
  public CqlEvaluator cqlEvaluator() {
    return CqlPreloader.evaluator();
  }

  @Bean
  public PrefetchTemplates prefetchTemplates(CqlEvaluator evaluator, CdsProperties properties) {
    return new PrefetchTemplates(evaluator.dataRequirements(), evaluator.courseDataRequirements(),
        properties.lookbackDays(), properties.prefetchProfile());
  }

  @Bean(destroyMethod = "close")
  public PatientDataFetcher patientDataFetcher(CdsProperties properties, FhirServerAllowList allowList) {
    var f = properties.fetch();
    return new PatientDataFetcher(new FhirFetchSettings(
        f.connectTimeout(), f.readTimeout(), f.totalBudget(), f.maxPages(), f.threads(), f.pageSize(),
        f.maxResponseBytes(), f.maxResourcesPerKey(), f.maxCallbacksPerHook(), f.maxPerHost(), f.queueSize()), allowList);
  }

  /**
   * Where a caller's token may go, for the CDS call-backs and the app's backend alike: only the FHIR bases
   * of {@code carac.cds.allowed-fhir-servers} (and {@code carac.app.allowed-fhir-servers}), plus the
   * sandbox's own base when it runs. {@code carac.cds.allowed-private-networks}: CIDR blocks an allowed
   * host name may resolve into although private (an EHR on the hospital network).
   */
  @Bean
  public FhirServerAllowList fhirServerAllowList(CdsProperties properties, Environment environment) {
    Binder binder = Binder.get(environment);
    List<String> bases = new ArrayList<>(properties.allowedFhirServers());
    bases.addAll(binder.bind("carac.app.allowed-fhir-servers", Bindable.listOf(String.class)).orElse(List.of()));
    return new FhirServerAllowList(bases,
        binder.bind("carac.cds.allowed-private-networks", Bindable.listOf(String.class)).orElse(List.of()));
  }

  @Bean
  public PatientDataAssembler patientDataAssembler(PrefetchTemplates templates, PatientDataFetcher fetcher) {
    return new PatientDataAssembler(templates, new PrefetchReader(FhirContext.forR4Cached()), fetcher);
  }

  @Bean
  public PhaseTimers phaseTimers(MeterRegistry registry) {
    return new PhaseTimers(registry);
  }

  @Bean(destroyMethod = "close")
  public FeedbackStore feedbackStore(CdsProperties properties, @Value("${carac.data-dir:./data}") String dataDir) {
    var f = properties.feedback();
    String url = f.url() == null || f.url().isBlank()
        // WRITE_DELAY=0: a commit is written before the 200 goes out (H2's default delay of 0.5 s lost
        // acknowledged feedback on kill -9)
        ? "jdbc:h2:file:" + dataDir + "/feedback;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"
        : f.url();
    return new FeedbackStore(url, f.username() == null ? "sa" : f.username(), f.password() == null ? "" : f.password());
  }

  @Bean
  public PatientViewService patientViewService(PatientDataAssembler assembler, CqlEvaluator evaluator,
      CdsProperties properties, PhaseTimers timers, FeedbackStore feedback, ObjectProvider<Clock> clock) {
    return new PatientViewService(assembler, evaluator, properties, timers, feedback,
        clock.getIfAvailable(Clock::systemDefaultZone));
  }

  @Bean
  public OrderService orderService(PatientDataAssembler assembler, CqlEvaluator evaluator,
      CdsProperties properties, PhaseTimers timers, FeedbackStore feedback, ObjectProvider<Clock> clock) {
    return new OrderService(assembler, evaluator, properties, timers, feedback,
        clock.getIfAvailable(Clock::systemDefaultZone));
  }

  /** Token times are checked against the real clock, never the sandbox's pinned "now". */
  @Bean
  public CdsJwtVerifier cdsJwtVerifier(CdsProperties properties, FeedbackStore feedback) {
    return new CdsJwtVerifier(properties.security(), Clock.systemUTC(), replayStore(properties, feedback));
  }

  /** Replicas share the database named by carac.cds.feedback.url; a single process may keep jti in memory. */
  static JtiReplayStore replayStore(CdsProperties properties, FeedbackStore feedback) {
    String mode = properties.security().replayStore();
    boolean shared = properties.feedback().url() != null && !properties.feedback().url().isBlank();
    if ("database".equals(mode) || ("auto".equals(mode) && shared)) {
      log.info("CDS Hooks: jti replay store in the CDS database (shared by replicas)");
      return new DatabaseJtiReplayStore(feedback.dataSource(), java.time.Duration.ofMinutes(1));
    }
    return new JtiReplayCache(properties.security().replayCacheSize());
  }
}
