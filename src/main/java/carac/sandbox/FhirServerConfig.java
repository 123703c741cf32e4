package carac.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binstore.MemoryBinaryStorageSvcImpl;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.HibernatePropertiesProvider;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * The sandbox's FHIR R4 server: HAPI's real JPA server on {@code /fhir}, on the primary data source (an H2
 * file under the data directory by default, PostgreSQL when {@code spring.datasource.url} says so). Only
 * the core JPA modules are wired: no subscriptions, MDM, bulk export, batch jobs, terminology uploads or
 * full-text indexing, which the product does not use and which would slow start-up. It serves the resource
 * types of {@link #RESOURCE_TYPES} only: HAPI would otherwise build a DAO and a resource provider for each of
 * the 146 R4 types, the largest single cost of the sandbox's start.
 */
@Configuration
@Import({JpaR4Config.class, HapiJpaConfig.class, ThreadPoolFactoryConfig.class, JpaBatch2Config.class,
  SubscriptionChannelConfig.class, Batch2JobsConfig.class})
public class FhirServerConfig {

  /**
   * The resource types {@code /fhir} serves (any other type is answered as unknown, HAPI-0302): what the
   * stories, the CQL, the CDS prefetch and the SMART app read; the order types of CDS Hooks draft orders;
   * what a Synthea background population holds ({@code carac.sandbox.extra-bundles}); and the conformance
   * and infrastructure types HAPI's own services look up (search parameters, terminology, subscriptions).
   */
  public static final Set<String> RESOURCE_TYPES = Set.of(
      // the stories, the CQL libraries, the CDS prefetch templates and the SMART app
      "Patient", "Observation", "Condition", "Procedure", "MedicationAdministration", "MedicationRequest",
      "Medication", "AdverseEvent", "Encounter",
      // CDS Hooks draft orders (carac.cds.DraftOrders)
      "ServiceRequest", "NutritionOrder", "VisionPrescription", "DeviceRequest", "SupplyRequest",
      "CommunicationRequest", "ImmunizationRecommendation",
      // a Synthea background population (tools/synthea)
      "Organization", "Practitioner", "PractitionerRole", "Location", "AllergyIntolerance", "Immunization",
      "CarePlan", "CareTeam", "Goal", "DiagnosticReport", "DocumentReference", "Claim", "ExplanationOfBenefit",
      "ImagingStudy", "Device", "SupplyDelivery", "Provenance", "Media", "Coverage",
      // conformance and infrastructure resources HAPI's JPA services use
      "Bundle", "Binary", "CodeSystem", "ValueSet", "ConceptMap", "NamingSystem", "SearchParameter",
      "StructureDefinition", "Subscription", "OperationDefinition", "ImplementationGuide", "Library",
      "Questionnaire", "QuestionnaireResponse", "Composition", "Group", "Basic",
      // Patient/$merge (HAPI's ResourceMergeService) records its work as Tasks
      "Task");

  private static final Pattern GENERATED_BEAN = Pattern.compile("my([A-Za-z]+)(?:Dao|Rp)R4");

  /**
   * Drops the DAO and resource-provider beans HAPI's generated R4 configuration declares for every other
   * resource type before any of them is built (they are eager singletons, and each lookup of DAOs walks
   * every bean definition).
   */
  @Bean
  static BeanDefinitionRegistryPostProcessor unservedResourceTypes() {
    return new BeanDefinitionRegistryPostProcessor() {
      @Override
      public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        for (String name : registry.getBeanDefinitionNames()) {
          Matcher matcher = GENERATED_BEAN.matcher(name);
          if (!matcher.matches() || RESOURCE_TYPES.contains(matcher.group(1))) {
            continue;
          }
          BeanDefinition definition = registry.getBeanDefinition(name);
          String factory = definition.getFactoryBeanName();
          if (factory != null && factory.endsWith("GeneratedDaoAndResourceProviderConfigR4")) {
            registry.removeBeanDefinition(name);
          }
        }
      }

      @Override
      public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}
    };
  }

  /** HAPI's list of DAOs and of resource providers asks the registry which types are served. */
  @Bean
  static BeanPostProcessor servedResourceTypes() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof DaoRegistry registry) {
          registry.setSupportedResourceTypes(RESOURCE_TYPES);
        }
        return bean;
      }
    };
  }

  @Bean
  public JpaStorageSettings jpaStorageSettings() {
    JpaStorageSettings settings = new JpaStorageSettings();
    // scenario ids are strings such as "tc-02-..." and must be kept as given
    settings.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.ANY);
    settings.setResourceServerIdStrategy(JpaStorageSettings.IdStrategyEnum.UUID);
    settings.setAllowExternalReferences(true);
    settings.setAutoCreatePlaceholderReferenceTargets(false);
    // stories keep records that point at another patient (data-quality cases) exactly as they are
    settings.setEnforceReferentialIntegrityOnWrite(false);
    settings.setHibernateSearchIndexSearchParams(false);
    settings.setAdvancedHSearchIndexing(false);
    settings.setSchedulingDisabled(true);
    settings.setExpungeEnabled(false);
    settings.setReuseCachedSearchResultsForMillis(null);
    settings.setDefaultSearchParamsCanBeOverridden(false);
    return settings;
  }

  @Bean
  public PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Bean
  public SubscriptionSettings subscriptionSettings() {
    return new SubscriptionSettings();
  }

  @Bean
  public IBinaryStorageSvc binaryStorageSvc() {
    return new MemoryBinaryStorageSvcImpl();
  }

  @Primary
  @Bean
  public LocalContainerEntityManagerFactoryBean entityManagerFactory(
      DataSource dataSource,
      DataSourceProperties dataSourceProperties,
      ConfigurableListableBeanFactory beanFactory,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings) {
    LocalContainerEntityManagerFactoryBean factory =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
    factory.setPersistenceUnitName("HAPI_PU");
    factory.setDataSource(dataSource);
    Properties jpa = new Properties();
    jpa.put("hibernate.dialect", dialectFor(dataSourceProperties.determineUrl()));
    jpa.put("hibernate.hbm2ddl.auto", "update");
    jpa.put("hibernate.format_sql", "false");
    jpa.put("hibernate.show_sql", "false");
    jpa.put("hibernate.search.enabled", "false");
    // Envers audits only MDM links, which the sandbox does not use; building its model costs start-up time
    jpa.put("hibernate.integration.envers.enabled", "false");
    jpa.put("hibernate.jdbc.batch_size", "20");
    jpa.put("hibernate.cache.use_query_cache", "false");
    jpa.put("hibernate.cache.use_second_level_cache", "false");
    factory.setJpaProperties(jpa);
    return factory;
  }

  static String dialectFor(String jdbcUrl) {
    if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:")) {
      return HapiFhirPostgresDialect.class.getName();
    }
    if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:h2:")) {
      return HapiFhirH2Dialect.class.getName();
    }
    throw new IllegalStateException(
        "Unsupported database URL " + jdbcUrl + ": the sandbox runs on H2 (default) or PostgreSQL");
  }

  @Primary
  @Bean
  public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
    return new JpaTransactionManager(entityManagerFactory);
  }

  @Primary
  @Bean
  public HibernatePropertiesProvider hibernatePropertiesProvider() {
    return new HibernatePropertiesProvider();
  }

  @Bean
  public RestfulServer fhirRestfulServer(
      IFhirSystemDao<?, ?> systemDao,
      ResourceProviderFactory resourceProviders,
      IJpaSystemProvider systemProvider,
      DaoRegistry daoRegistry,
      JpaStorageSettings storageSettings,
      ISearchParamRegistry searchParamRegistry,
      IValidationSupport validationSupport,
      DatabaseBackedPagingProvider pagingProvider) {
    RestfulServer server = new RestfulServer(systemDao.getContext());
    server.registerProviders(resourceProviders.createProviders());
    server.registerProvider(systemProvider);
    // pages of 50 by default, but a client may ask up to 1000 (_count): a CDS call-back reading a 35-day
    // course (about 300 Observations) then needs one round trip instead of six
    pagingProvider.setDefaultPageSize(50);
    pagingProvider.setMaximumPageSize(1000);
    server.setPagingProvider(pagingProvider);
    server.setDefaultPrettyPrint(false);
    // type searches read their page in the request thread, without storing the search (offset paging)
    server.registerInterceptor(new SynchronousSearchInterceptor());
    JpaCapabilityStatementProvider capabilities =
        new JpaCapabilityStatementProvider(
            server, systemDao, storageSettings, searchParamRegistry, validationSupport);
    capabilities.setImplementationDescription("CARAC Watch sandbox FHIR R4 server (HAPI FHIR JPA)");
    server.setServerConformanceProvider(capabilities);
    return server;
  }

  @Bean
  public ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
    ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
    registration.setName("fhir");
    registration.setLoadOnStartup(1);
    return registration;
  }
}
