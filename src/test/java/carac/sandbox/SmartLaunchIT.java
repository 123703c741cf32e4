package carac.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import carac.cds.CdsItSupport;
import carac.sandbox.SmartClient.Pkce;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * SMART App Launch 2.2 against the sandbox's real authorization server and FHIR server: EHR and standalone
 * launch end to end with PKCE, what must be refused, and what a token may read.
 */
class SmartLaunchIT extends CdsItSupport {

  private static final String APP = "carac-watch";
  private static final String CONFIDENTIAL = "carac-confidential-test";
  private static final String CONFIDENTIAL_AUTH = CONFIDENTIAL + ":change-me-confidential";

  @Autowired StoryCatalog stories;

  private SmartClient browser;
  private String patientA;
  private String patientB;

  @BeforeEach
  void signedInBrowser() throws Exception {
    browser = new SmartClient(base()).signIn("clinician", "clinician");
    patientA = stories.all().stream().filter(s -> s.name().startsWith("tc-02")).findFirst().orElseThrow().patientId();
    patientB = stories.all().stream().filter(s -> s.name().startsWith("tc-11")).findFirst().orElseThrow().patientId();
  }

  /** 127.0.0.1 redirect URIs are registered without a port; any port is accepted (RFC 8252 §7.3). */
  private String redirectUri() {
    return "http://127.0.0.1:" + port + "/app/index.html";
  }

  private Map<String, String> authorizeParams(String client, String scope, Pkce pkce) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("response_type", "code");
    p.put("client_id", client);
    p.put("redirect_uri", redirectUri());
    p.put("scope", scope);
    p.put("state", "state-" + System.nanoTime());
    p.put("aud", fhirBase());
    if (pkce != null) {
      p.put("code_challenge", pkce.challenge());
      p.put("code_challenge_method", "S256");
    }
    return p;
  }

  private HttpResponse<String> authorize(Map<String, String> params) throws Exception {
    return browser.get("/oauth2/authorize?" + SmartClient.encode(params));
  }

  /** The code from the redirect back to the app, after checking it carries the same state. */
  private String codeFrom(HttpResponse<String> response, Map<String, String> params) {
    String location = SmartClient.location(response);
    assertThat(location).startsWith(redirectUri());
    Map<String, String> back = SmartClient.query(location);
    assertThat(back).as("redirect %s", location).containsEntry("state", params.get("state")).containsKey("code");
    return back.get("code");
  }

  private JsonNode exchange(String client, String code, Pkce pkce, String basicAuth) throws Exception {
    Map<String, String> form = new LinkedHashMap<>(Map.of(
        "grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri(), "code_verifier", pkce.verifier()));
    if (basicAuth == null) {
      form.put("client_id", client);
    }
    return browser.token(form, basicAuth);
  }

  private String ehrLaunch(String patient, String appContext) throws Exception {
    String body = JSON.createObjectNode().put("patient", patient).put("appContext", appContext).toString();
    var response = browser.postJson("/sandbox/launch", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("launch").asText();
  }

  @Test
  void ehrLaunchEndToEndGivesAPatientTokenThatReadsOnlyThatPatient() throws Exception {
    String launch = ehrLaunch(patientA, "{\"day\":11,\"rule\":\"R-DIC\"}");
    Pkce pkce = Pkce.create();
    var params = authorizeParams(APP, "launch openid fhirUser patient/*.rs", pkce);
    params.put("launch", launch);
    String code = codeFrom(authorize(params), params);

    JsonNode token = exchange(APP, code, pkce, null);
    assertThat(token.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(token.path("patient").asText()).isEqualTo(patientA);
    assertThat(token.path("need_patient_banner").asBoolean()).isFalse();
    assertThat(token.path("appContext").asText()).isEqualTo("{\"day\":11,\"rule\":\"R-DIC\"}");
    assertThat(token.path("scope").asText().split(" ")).contains("launch", "openid", "fhirUser", "patient/*.rs");
    assertThat(token.has("refresh_token")).as("no offline_access asked, no refresh token").isFalse();
    JsonNode idToken = JSON.readTree(Base64.getUrlDecoder().decode(token.path("id_token").asText().split("\\.")[1]));
    assertThat(idToken.path("fhirUser").asText()).endsWith("Practitioner/sandbox-clinician");
    assertThat(idToken.path("aud").toString()).contains(APP);

    String access = token.path("access_token").asText();
    assertThat(browser.get(fhirBase() + "/Patient/" + patientA, access).statusCode()).isEqualTo(200);
    var observations = browser.get(fhirBase() + "/Observation?patient=" + patientA, access);
    assertThat(observations.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(observations.body()).path("entry").size()).isPositive();

    assertForbidden(browser.get(fhirBase() + "/Patient/" + patientB, access));
    assertForbidden(browser.get(fhirBase() + "/Observation?patient=" + patientB, access));
    assertForbidden(browser.get(fhirBase() + "/Observation", access)); // a search outside the compartment
  }

  @Test
  void standaloneLaunchLetsTheUserPickThePatientAndHonoursV1AndV2Scopes() throws Exception {
    Pkce pkce = Pkce.create();
    var params = authorizeParams(APP, "launch/patient openid fhirUser patient/Observation.rs patient/Patient.read", pkce);
    var toPicker = authorize(params);
    String picker = SmartClient.location(toPicker);
    assertThat(picker).contains("/sandbox/pick-patient");

    String page = browser.get(picker).body();
    assertThat(page).contains("data-patient=\"" + patientB + "\"");
    Map<String, String> pickerQuery = Map.of(
        "patient", patientB, "authorizeQuery", picker.substring(picker.indexOf('?') + 1), "_csrf", SmartClient.csrf(page));
    var resumed = browser.postForm("/sandbox/pick-patient", pickerQuery, null);
    String again = SmartClient.location(resumed);
    assertThat(SmartClient.query(again)).containsKey("launch");

    String code = codeFrom(browser.get(again), params);
    JsonNode token = exchange(APP, code, pkce, null);
    assertThat(token.path("patient").asText()).isEqualTo(patientB);
    assertThat(token.path("need_patient_banner").asBoolean()).isTrue();

    String access = token.path("access_token").asText();
    assertThat(browser.get(fhirBase() + "/Observation?patient=" + patientB, access).statusCode()).isEqualTo(200);
    assertThat(browser.get(fhirBase() + "/Patient/" + patientB, access).statusCode())
        .as("patient/Patient.read (v1) is read as .rs").isEqualTo(200);
    assertForbidden(browser.get(fhirBase() + "/Condition?patient=" + patientB, access)); // type not granted
    assertForbidden(browser.get(fhirBase() + "/Observation?patient=" + patientA, access));
  }

  @Test
  void theAuthorizationRequestMayBePostedAsAForm() throws Exception {
    Pkce pkce = Pkce.create();
    var params = authorizeParams(APP, "launch openid fhirUser patient/*.rs", pkce);
    params.put("launch", ehrLaunch(patientA, null));
    String code = codeFrom(browser.postForm("/oauth2/authorize", params, null), params);
    assertThat(exchange(APP, code, pkce, null).path("patient").asText()).isEqualTo(patientA);

    Pkce standalone = Pkce.create();
    var pick = authorizeParams(APP, "launch/patient openid patient/*.rs", standalone);
    String picker = SmartClient.location(browser.postForm("/oauth2/authorize", pick, null));
    assertThat(picker).contains("/sandbox/pick-patient");
    assertThat(SmartClient.query(picker)).containsAllEntriesOf(pick);
  }

  @Test
  void authorizationRequestsThatBreakSmartOrPkceGetNoCode() throws Exception {
    String launch = ehrLaunch(patientA, null);
    Map<String, Map<String, String>> broken = new LinkedHashMap<>();
    var plain = authorizeParams(APP, "launch openid patient/*.rs", null);
    plain.put("code_challenge", "a-plain-challenge-that-is-long-enough-to-be-valid-0123456789");
    plain.put("code_challenge_method", "plain");
    broken.put("plain PKCE", plain);
    broken.put("no PKCE", authorizeParams(APP, "launch openid patient/*.rs", null));
    var wrongAud = authorizeParams(APP, "launch openid patient/*.rs", Pkce.create());
    wrongAud.put("aud", "https://other.example.org/fhir");
    broken.put("wrong aud", wrongAud);
    var unknownLaunch = authorizeParams(APP, "launch openid patient/*.rs", Pkce.create());
    unknownLaunch.put("launch", "not-a-launch");
    broken.put("unknown launch", unknownLaunch);
    broken.put("launch scope without launch", authorizeParams(APP, "launch openid patient/*.rs", Pkce.create()));

    for (var e : broken.entrySet()) {
      var params = e.getValue();
      params.putIfAbsent("launch", launch);
      if (e.getKey().equals("launch scope without launch")) {
        params.remove("launch");
      }
      String location = SmartClient.location(authorize(params));
      Map<String, String> back = SmartClient.query(location);
      assertThat(back).as(e.getKey() + ": " + location).doesNotContainKey("code").containsEntry("error", "invalid_request");
    }

    var wrongRedirect = authorizeParams(APP, "launch openid patient/*.rs", Pkce.create());
    wrongRedirect.put("launch", launch);
    wrongRedirect.put("redirect_uri", "https://attacker.example.org/app/index.html");
    var refused = authorize(wrongRedirect);
    assertThat(refused.statusCode()).as("an unregistered redirect_uri is never redirected to").isEqualTo(400);
    assertThat(refused.headers().firstValue("Location")).isEmpty();
  }

  @Test
  void theTokenEndpointNeedsTheRightVerifier() throws Exception {
    for (String verifier : new String[] {null, "x".repeat(43)}) {
      Pkce pkce = Pkce.create();
      var params = authorizeParams(APP, "launch openid patient/*.rs", pkce);
      params.put("launch", ehrLaunch(patientA, null));
      String code = codeFrom(authorize(params), params);
      Map<String, String> form = new LinkedHashMap<>(Map.of(
          "grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri(), "client_id", APP));
      if (verifier != null) {
        form.put("code_verifier", verifier);
      }
      var response = browser.postForm("/oauth2/token", form, null);
      assertThat(response.statusCode()).as(verifier == null ? "missing verifier" : "wrong verifier").isIn(400, 401);
      assertThat(response.body()).doesNotContain("access_token");
    }
  }

  @Test
  void offlineAccessGivesARefreshTokenThatWorksAndRotates() throws Exception {
    Pkce pkce = Pkce.create();
    var params = authorizeParams(CONFIDENTIAL, "launch openid fhirUser offline_access patient/*.rs", pkce);
    params.put("launch", ehrLaunch(patientA, null));
    JsonNode token = exchange(CONFIDENTIAL, codeFrom(authorize(params), params), pkce, CONFIDENTIAL_AUTH);
    String refresh = token.path("refresh_token").asText();
    assertThat(refresh).isNotBlank();

    JsonNode renewed = browser.token(Map.of("grant_type", "refresh_token", "refresh_token", refresh), CONFIDENTIAL_AUTH);
    assertThat(renewed.path("access_token").asText()).isNotBlank().isNotEqualTo(token.path("access_token").asText());
    assertThat(renewed.path("refresh_token").asText()).as("rotated").isNotEqualTo(refresh);
    assertThat(browser.get(fhirBase() + "/Patient/" + patientA, renewed.path("access_token").asText()).statusCode()).isEqualTo(200);
    var reused = browser.postForm("/oauth2/token", Map.of("grant_type", "refresh_token", "refresh_token", refresh), CONFIDENTIAL_AUTH);
    assertThat(reused.statusCode()).as("a used refresh token is spent").isEqualTo(400);
  }

  @Test
  void aPublicClientWithOnlineAccessGetsARotatingRefreshTokenWithItsClientIdOnly() throws Exception {
    Pkce pkce = Pkce.create();
    var params = authorizeParams(APP, "launch openid fhirUser online_access patient/*.rs", pkce);
    params.put("launch", ehrLaunch(patientA, null));
    JsonNode token = exchange(APP, codeFrom(authorize(params), params), pkce, null);
    String refresh = token.path("refresh_token").asText();
    assertThat(refresh).as(token.toString()).isNotBlank();

    JsonNode renewed = browser.token(Map.of("grant_type", "refresh_token", "refresh_token", refresh, "client_id", APP), null);
    assertThat(renewed.path("access_token").asText()).isNotBlank();
    assertThat(renewed.path("refresh_token").asText()).as("rotated").isNotBlank().isNotEqualTo(refresh);
    assertThat(browser.get(fhirBase() + "/Patient/" + patientA, renewed.path("access_token").asText()).statusCode()).isEqualTo(200);
    var reused = browser.postForm("/oauth2/token", Map.of("grant_type", "refresh_token", "refresh_token", refresh, "client_id", APP), null);
    assertThat(reused.statusCode()).as("a used refresh token is spent").isEqualTo(400);
    var anonymous = browser.postForm("/oauth2/token", Map.of("grant_type", "refresh_token",
        "refresh_token", renewed.path("refresh_token").asText()), null);
    assertThat(anonymous.statusCode()).as("no client_id").isIn(400, 401);
    assertThat(anonymous.body()).doesNotContain("access_token");
    var otherClient = browser.postForm("/oauth2/token", Map.of("grant_type", "refresh_token",
        "refresh_token", renewed.path("refresh_token").asText(), "client_id", CONFIDENTIAL), null);
    assertThat(otherClient.statusCode()).as("a confidential client must authenticate").isEqualTo(401);
  }

  @Test
  void scopesAreMatchedBySmartMeaningAndAnUnregisteredOneIsDroppedNotFatal() throws Exception {
    Pkce pkce = Pkce.create();
    var params = authorizeParams(APP,
        "launch openid patient/Observation.r patient/Condition.read made-up/scope user/Patient.cruds", pkce);
    params.put("launch", ehrLaunch(patientA, null));
    JsonNode token = exchange(APP, codeFrom(authorize(params), params), pkce, null);
    List<String> granted = List.of(token.path("scope").asText().split(" "));
    assertThat(granted).contains("launch", "openid", "patient/Observation.r", "patient/Condition.read")
        .doesNotContain("made-up/scope", "user/Patient.cruds");
    String access = token.path("access_token").asText();
    assertThat(browser.get(fhirBase() + "/Condition?patient=" + patientA, access).statusCode()).isEqualTo(200);
    assertThat(browser.get(fhirBase() + "/Procedure?patient=" + patientA, access).statusCode()).as("not granted").isEqualTo(403);
  }

  @Test
  void aBrowserAppOnAnAllowedOriginMayCallTheSmartEndpoints() throws Exception {
    String origin = "http://127.0.0.1:5173";
    var config = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(fhirBase() + "/.well-known/smart-configuration"))
        .header("Origin", origin).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(config.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
    for (String path : List.of("/oauth2/token", "/fhir/Patient/" + patientA)) {
      var preflight = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + path))
          .header("Origin", origin).header("Access-Control-Request-Method", path.startsWith("/fhir") ? "GET" : "POST")
          .header("Access-Control-Request-Headers", "authorization,content-type")
          .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(preflight.statusCode()).as(path).isEqualTo(200);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).as(path).hasValue(origin);
    }
    var evil = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/oauth2/token"))
        .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
        .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void theCapabilityStatementAnnouncesSmartWithOauthUris() throws Exception {
    JsonNode security = JSON.readTree(browser.get(fhirBase() + "/metadata").body()).path("rest").path(0).path("security");
    assertThat(security.path("service").path(0).path("coding").path(0).path("code").asText()).isEqualTo("SMART-on-FHIR");
    JsonNode uris = null;
    for (JsonNode e : security.path("extension")) {
      if (e.path("url").asText().equals("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris")) {
        uris = e;
      }
    }
    assertThat(uris).as(security.toString()).isNotNull();
    Map<String, String> byName = new LinkedHashMap<>();
    uris.path("extension").forEach(e -> byName.put(e.path("url").asText(), e.path("valueUri").asText()));
    assertThat(byName).containsEntry("authorize", base() + "/oauth2/authorize").containsEntry("token", base() + "/oauth2/token")
        .containsKeys("revoke", "introspect");
  }

  @Test
  void aRevokedTokenIsInactiveAndRefusedByTheFhirServer() throws Exception {
    JsonNode token = browser.token(Map.of("grant_type", "client_credentials", "scope", "user/*.rs"), CONFIDENTIAL_AUTH);
    String access = token.path("access_token").asText();
    assertThat(introspect(access).path("active").asBoolean()).isTrue();
    assertThat(browser.get(fhirBase() + "/Patient?_count=1", access).statusCode()).isEqualTo(200);

    var revoked = browser.postForm("/oauth2/revoke", Map.of("token", access, "token_type_hint", "access_token"), CONFIDENTIAL_AUTH);
    assertThat(revoked.statusCode()).isEqualTo(200);
    assertThat(introspect(access).path("active").asBoolean()).isFalse();
    assertUnauthorized(browser.get(fhirBase() + "/Patient?_count=1", access));
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    // JWT times are whole seconds: a few seconds of life so the token is surely valid when first used
    var issued = accessTokens.issue("sandbox-ehr", "patient/*.rs", patientA, Duration.ofSeconds(3));
    assertThat(browser.get(fhirBase() + "/Patient/" + patientA, issued.accessToken()).statusCode()).isEqualTo(200);
    Thread.sleep(Math.max(0, Duration.between(java.time.Instant.now(), issued.expiresAt()).toMillis()) + 1100);
    assertUnauthorized(browser.get(fhirBase() + "/Patient/" + patientA, issued.accessToken()));
  }

  @Test
  void noTokenOrAForgedOneIsRefusedButTheCapabilityStatementIsPublic() throws Exception {
    assertUnauthorized(browser.get(fhirBase() + "/Patient/" + patientA));
    String valid = accessTokens.issue("sandbox-ehr", "patient/*.rs", patientA, Duration.ofMinutes(5)).accessToken();
    String[] parts = valid.split("\\.");
    String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        new String(Base64.getUrlDecoder().decode(parts[1])).replace(patientA, patientB).getBytes()) + "." + parts[2];
    assertUnauthorized(browser.get(fhirBase() + "/Patient/" + patientB, forged));
    var metadata = browser.get(fhirBase() + "/metadata");
    assertThat(metadata.statusCode()).isEqualTo(200);
    assertThat(metadata.body()).contains("CapabilityStatement");
  }

  @Test
  void smartConfigurationAnnouncesWhatTheseTestsVerify() throws Exception {
    var response = browser.get(fhirBase() + "/.well-known/smart-configuration");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode config = JSON.readTree(response.body());
    assertThat(config.path("authorization_endpoint").asText()).isEqualTo(base() + "/oauth2/authorize");
    assertThat(config.path("token_endpoint").asText()).isEqualTo(base() + "/oauth2/token");
    assertThat(config.path("introspection_endpoint").asText()).isEqualTo(base() + "/oauth2/introspect");
    assertThat(config.path("revocation_endpoint").asText()).isEqualTo(base() + "/oauth2/revoke");
    assertThat(texts(config.path("code_challenge_methods_supported"))).containsExactly("S256");
    assertThat(texts(config.path("capabilities"))).contains(
        "launch-ehr", "launch-standalone", "client-public", "client-confidential-symmetric",
        "context-ehr-patient", "context-standalone-patient", "permission-v2", "permission-v1",
        "permission-offline", "sso-openid-connect", "context-banner", "authorize-post");
  }

  private JsonNode introspect(String token) throws Exception {
    var response = browser.postForm("/oauth2/introspect", Map.of("token", token), CONFIDENTIAL_AUTH);
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static void assertForbidden(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(JSON.readTree(response.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
  }

  private static void assertUnauthorized(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
  }
}
