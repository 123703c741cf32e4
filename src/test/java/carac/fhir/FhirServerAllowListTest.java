package carac.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The allow-list decides from configuration only; names resolve through a fixed table (no DNS in tests). */
class FhirServerAllowListTest {

  private static final Map<String, String> DNS = Map.of(
      "ehr.hospital.example", "203.0.113.10",
      "rebound.hospital.example", "169.254.169.254",
      "internal.hospital.example", "10.20.3.4",
      "lan.hospital.example", "192.168.1.5");

  private static InetAddress[] resolve(String host) {
    String ip = DNS.get(host);
    if (ip == null) {
      throw new FhirServerAllowList.Refused("the FHIR server's host name does not resolve");
    }
    try {
      return new InetAddress[] {InetAddress.getByName(ip)};
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FhirServerAllowList list(List<String> bases, List<String> networks) {
    return new FhirServerAllowList(bases, networks, FhirServerAllowListTest::resolve);
  }

  private final FhirServerAllowList hospital = list(List.of("https://ehr.hospital.example/fhir/r4/",
      "https://rebound.hospital.example/fhir", "https://internal.hospital.example/fhir",
      "https://lan.hospital.example/fhir"), List.of("10.20.0.0/16"));

  @ParameterizedTest
  @ValueSource(strings = {"https://ehr.hospital.example/fhir/r4", "https://ehr.hospital.example/fhir/r4/",
      "https://EHR.hospital.example:443/fhir/r4", "https://ehr.hospital.example./fhir/r4",
      "https://ehr.hospital.example/fhir/r4/Patient/1", "https://internal.hospital.example/fhir"})
  void allowsTheConfiguredBasesAndBelow(String url) {
    assertThat(hospital.allows(url)).as(url).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // not configured, or configured only in part
      "https://evil.example/fhir/r4", "http://ehr.hospital.example/fhir/r4", "https://ehr.hospital.example:8443/fhir/r4",
      "https://ehr.hospital.example/fhir/r4-evil", "https://ehr.hospital.example/fhir", "https://ehr.hospital.example",
      "https://ehr.hospital.example.evil.example/fhir/r4", "https://ehr.hospital.example@evil.example/fhir/r4",
      "https://user@ehr.hospital.example/fhir/r4",
      // tricks with the path
      "https://ehr.hospital.example/fhir/r4/../../admin", "https://ehr.hospital.example/fhir/r4/%2e%2e/x",
      "https://ehr.hospital.example/fhir/r4%2fx", "https://ehr.hospital.example/fhir/r4\\..\\x",
      "https://ehr.hospital.example/fhir/r4//x",
      // loopback, link-local, metadata, odd IP forms, the service's own actuator
      "http://localhost:8081/actuator", "http://127.0.0.1/fhir", "http://[::1]/fhir", "http://[::ffff:127.0.0.1]/fhir",
      "http://2130706433/fhir", "http://0x7f000001/fhir", "http://0177.0.0.1/fhir", "http://127.1/fhir",
      "http://169.254.169.254/latest/meta-data", "http://[fe80::1]/fhir", "http://0.0.0.0/fhir",
      // a listed name that resolves to link-local, and a private name outside the allowed networks
      "https://rebound.hospital.example/fhir", "https://lan.hospital.example/fhir",
      // not http(s), not absolute, blank
      "ftp://ehr.hospital.example/fhir/r4", "file:///etc/passwd", "/fhir/r4", "", " https://ehr.hospital.example/fhir/r4"})
  void refusesEverythingElse(String url) {
    assertThat(hospital.allows(url)).as(url).isFalse();
    assertThatThrownBy(() -> hospital.check(url)).isInstanceOf(FhirServerAllowList.Refused.class)
        .message().doesNotContain("hospital.example");
  }

  @Test
  void anEntryNamingALoopbackAddressAllowsIt() {
    var sandbox = list(List.of(), List.of());
    assertThat(sandbox.isEmpty()).isTrue();
    assertThat(sandbox.allows("http://localhost:8080/fhir")).isFalse();
    sandbox.add("http://localhost:8080/fhir");
    assertThat(sandbox.allows("http://localhost:8080/fhir")).isTrue();
    assertThat(sandbox.allows("http://localhost:8081/actuator/health")).isFalse();
    assertThat(sandbox.allows("http://127.0.0.1:8080/fhir")).isFalse();
  }

  @Test
  void badConfigurationFailsAtStart() {
    assertThatThrownBy(() -> list(List.of("not a url"), List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> list(List.of(), List.of("10.0.0.0/99"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> list(List.of(), List.of("hospital.example/8"))).isInstanceOf(IllegalArgumentException.class);
  }
}
