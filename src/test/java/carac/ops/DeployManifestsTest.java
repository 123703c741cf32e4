package carac.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders the Kubernetes manifests of {@code deploy/} (every document of every file, as kubectl reads
 * them) and compares every configuration key they set, in the mounted {@code application.yaml} and as
 * environment variables, with the keys the application knows: Spring Boot's configuration metadata of
 * this build and of its libraries. A misspelt key is otherwise ignored silently at run time.
 */
class DeployManifestsTest {

  private static final Path DEPLOY = Path.of("deploy");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<Map<String, Object>> documents;
  private static Map<String, String> known; // property name → type
  private static Map<String, Object> config; // the mounted application.yaml, flattened

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void render() throws IOException {
    documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(DEPLOY)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml().loadAll(Files.readString(f))) {
          if (doc != null) {
            documents.add((Map<String, Object>) doc);
          }
        }
      }
    }
    known = new TreeMap<>();
    // read by Spring Boot's config-data loader before any binding, so absent from the metadata files
    List.of("spring.config.location", "spring.config.additional-location", "spring.config.name")
        .forEach(k -> known.put(k, "java.lang.String"));
    for (URL url : Collections.list(DeployManifestsTest.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = url.openStream()) {
        for (JsonNode p : JSON.readTree(in).path("properties")) {
          known.put(p.path("name").asText(), p.path("type").asText());
        }
      }
    }
    Map<String, Object> cm = kind("ConfigMap");
    String yaml = (String) ((Map<String, Object>) cm.get("data")).get("application.yaml");
    config = new LinkedHashMap<>();
    flatten("", new Yaml().load(yaml), config);
  }

  @Test
  void theMetadataIsComplete() {
    // the control: keys of this application and of Spring Boot are both there
    assertThat(known).containsKeys("carac.mode", "carac.cds.public-base-url", "carac.cds.security.trusted-issuers",
        "carac.app.client-id", "server.shutdown", "management.server.port", "logging.config");
  }

  @Test
  void everyKeyOfTheMountedConfigurationIsKnown() {
    List<String> unknown = config.keySet().stream().filter(k -> !isKnown(k)).toList();
    assertThat(unknown).as("keys the application does not know").isEmpty();
    assertThat(config).containsEntry("carac.mode", "service").containsKeys("carac.cds.public-base-url",
        "carac.cds.allowed-fhir-servers[0]", "carac.cds.security.trusted-issuers[0].issuer");
  }

  @Test
  void everyEnvironmentVariableIsAKnownKey() {
    TreeSet<String> names = new TreeSet<>();
    @SuppressWarnings("unchecked")
    Map<String, Object> secret = (Map<String, Object>) kind("Secret").get("stringData");
    names.addAll(secret.keySet());
    for (Map<String, Object> env : list(container().get("env"))) {
      names.add((String) env.get("name"));
    }
    names.remove("JAVA_TOOL_OPTIONS"); // read by the JVM, not by the application
    List<String> unknown = names.stream()
        .filter(n -> known.keySet().stream().noneMatch(k -> envName(k).equals(n) || legacyEnvName(k).equals(n))).toList();
    assertThat(unknown).as("environment variables that map to no known key").isEmpty();
    assertThat(names).contains("CARAC_CDS_FEEDBACK_URL", "SPRING_CONFIG_ADDITIONAL_LOCATION");
  }

  @Test
  void twoReplicasProbedOnTheManagementPortWithResources() {
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) kind("Deployment").get("spec");
    assertThat(spec.get("replicas")).isEqualTo(2);
    Map<String, Object> c = container();
    int management = ((Number) config.get("management.server.port")).intValue();
    Map<String, Object> ports = new LinkedHashMap<>();
    list(c.get("ports")).forEach(p -> ports.put((String) p.get("name"), p.get("containerPort")));
    assertThat(ports).containsEntry("management", management).containsEntry("http", config.get("server.port"));
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      Map<String, Object> get = map(map(c.get(probe)).get("httpGet"));
      assertThat(get.get("port")).as(probe).isEqualTo("management");
      assertThat((String) get.get("path")).as(probe).startsWith("/actuator/health/");
    }
    assertThat(map(map(c.get("resources")).get("limits"))).containsKey("memory");
    assertThat(map(map(c.get("resources")).get("requests"))).containsKeys("cpu", "memory");
    // the Service exposes the application port only, never the management port
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> servicePorts = list(((Map<String, Object>) kind("Service").get("spec")).get("ports"));
    assertThat(servicePorts).extracting(p -> p.get("targetPort")).containsExactly("http");
  }

  /** A flattened key is known when it is a property, or an element of a known list or map property. */
  private static boolean isKnown(String key) {
    if (known.containsKey(key)) {
      return true;
    }
    return known.entrySet().stream().anyMatch(e -> (key.startsWith(e.getKey() + "[") && e.getValue().startsWith("java.util.List"))
        || (key.startsWith(e.getKey() + ".") && e.getValue().startsWith("java.util.Map")));
  }

  /** Spring Boot's environment-variable form of a property: upper case, dots to underscores, no dashes. */
  private static String envName(String property) {
    return property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /** The form Spring Boot also accepts: dashes as underscores ({@code SPRING_CONFIG_ADDITIONAL_LOCATION}). */
  private static String legacyEnvName(String property) {
    return property.replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT);
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Object value, Map<String, Object> out) {
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> flatten(prefix.isEmpty() ? k.toString() : prefix + "." + k, v, out));
    } else if (value instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        flatten(prefix + "[" + i + "]", l.get(i), out);
      }
    } else {
      out.put(prefix, value);
    }
  }

  private static Map<String, Object> kind(String kind) {
    return documents.stream().filter(d -> kind.equals(d.get("kind"))).findFirst().orElseThrow(() -> new AssertionError("no " + kind));
  }

  private static Map<String, Object> container() {
    Map<String, Object> template = map(map(kind("Deployment").get("spec")).get("template"));
    return list(map(template.get("spec")).get("containers")).get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object o) {
    return (List<Map<String, Object>>) o;
  }
}
