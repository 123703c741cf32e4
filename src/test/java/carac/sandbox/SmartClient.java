package carac.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What a browser and a SMART app do, over real HTTP and nothing else: a cookie session, the sandbox's
 * form sign-in with its CSRF token, redirects read one by one, and PKCE S256 computed here.
 */
final class SmartClient {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

  private final String base;
  private final HttpClient http = HttpClient.newBuilder()
      .cookieHandler(new CookieManager())
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  SmartClient(String base) {
    this.base = base;
  }

  /** Signs in through the login form as a user would. */
  SmartClient signIn(String user, String password) throws Exception {
    String page = get("/login").body();
    var signIn = postForm("/login", Map.of("username", user, "password", password, "_csrf", csrf(page)), null);
    if (signIn.statusCode() != 302 || signIn.headers().firstValue("Location").orElse("").contains("error")) {
      throw new AssertionError("sign-in failed: " + signIn.statusCode() + " " + signIn.headers().map());
    }
    return this;
  }

  static String csrf(String html) {
    Matcher m = CSRF.matcher(html);
    if (!m.find()) {
      throw new AssertionError("no CSRF token in " + html);
    }
    return m.group(1);
  }

  HttpResponse<String> get(String pathOrUrl) throws Exception {
    return send(HttpRequest.newBuilder(uri(pathOrUrl)).GET());
  }

  HttpResponse<String> get(String pathOrUrl, String bearer) throws Exception {
    return send(HttpRequest.newBuilder(uri(pathOrUrl)).header("Authorization", "Bearer " + bearer).GET());
  }

  HttpResponse<String> postJson(String path, String json) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A form POST; {@code basicAuth} is "client:secret" for a confidential client, or null. */
  HttpResponse<String> postForm(String path, Map<String, String> form, String basicAuth) throws Exception {
    var builder = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    if (basicAuth != null) {
      builder.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8)));
    }
    return send(builder);
  }

  JsonNode token(Map<String, String> form, String basicAuth) throws Exception {
    var response = postForm("/oauth2/token", form, basicAuth);
    if (response.statusCode() != 200) {
      throw new AssertionError("token endpoint said " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> send(HttpRequest.Builder builder) throws Exception {
    return http.send(builder.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String pathOrUrl) {
    return URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
  }

  static String encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static String location(HttpResponse<?> response) {
    return response.headers().firstValue("Location").orElseThrow(
        () -> new AssertionError("expected a redirect, got " + response.statusCode() + ": " + response.body()));
  }

  static Map<String, String> query(String url) {
    Map<String, String> out = new LinkedHashMap<>();
    UriComponentsBuilder.fromUriString(url).build(true).getQueryParams()
        .forEach((k, v) -> out.put(k, java.net.URLDecoder.decode(v.get(0), StandardCharsets.UTF_8)));
    return out;
  }

  /** A PKCE pair: a random verifier and its S256 challenge (RFC 7636). */
  record Pkce(String verifier, String challenge) {
    static Pkce create() throws Exception {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
    }
  }
}
