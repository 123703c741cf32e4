package carac.app;

import static org.assertj.core.api.Assertions.assertThat;

import carac.cds.CdsItSupport;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /api/summary} with real SMART tokens against the sandbox FHIR server (same context as the CDS ITs). */
class AppSummaryIT extends CdsItSupport {

  private static final String STORY = "tc-02-crs-dic-tocilizumab";

  private HttpResponse<String> summary(String token, String fhirServer, String patient) throws Exception {
    String body = "{\"fhirServer\":\"" + fhirServer + "\",\"patient\":\"" + patient + "\",\"language\":\"en\"}";
    var builder = HttpRequest.newBuilder(URI.create(base() + "/api/summary"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String userToken(String patient) {
    return accessTokens.issue("clinician", "patient/*.rs", patient, LONG_LIFE).accessToken();
  }

  @Test
  void returnsTheEvaluationWithCardsReadWithTheUsersToken() throws Exception {
    String patient = patientOf(STORY);
    HttpResponse<String> response = summary(userToken(patient), fhirBase(), patient);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode evaluation = JSON.readTree(response.body());
    assertThat(evaluation.get("patient").asText()).isEqualTo("Patient/" + patient);
    assertThat(evaluation.get("days")).isNotEmpty();
    List<String> rules = new ArrayList<>();
    evaluation.get("cards").forEach(c -> rules.add(c.get("source").get("topic").get("code").asText()));
    assertThat(rules).isNotEmpty().allMatch(r -> r.startsWith("R-"));
    assertThat(evaluation.has("unavailable")).isFalse();
  }

  @Test
  void theFhirServerDecidesWhatTheTokenMayRead() throws Exception {
    String patient = patientOf(STORY);
    String otherPatientsToken = userToken(patientOf("tc-11-thrombosis-risk-then-dvt"));
    HttpResponse<String> forbidden = summary(otherPatientsToken, fhirBase(), patient);
    assertThat(forbidden.statusCode()).as(forbidden.body()).isEqualTo(403);
    assertThat(forbidden.body()).contains("OperationOutcome");
    assertThat(summary("not-a-token", fhirBase(), patient).statusCode()).isEqualTo(401);
    assertThat(summary(null, fhirBase(), patient).statusCode()).isEqualTo(401);
  }

  @Test
  void refusesFhirServersOffTheAllowListAndBadInput() throws Exception {
    String patient = patientOf(STORY);
    HttpResponse<String> ssrf = summary(userToken(patient), "http://169.254.169.254/latest", patient);
    assertThat(ssrf.statusCode()).isEqualTo(403);
    assertThat(summary(userToken(patient), fhirBase(), "a&b").statusCode()).isEqualTo(400);
  }
}
