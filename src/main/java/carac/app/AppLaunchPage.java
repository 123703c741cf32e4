package carac.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code /app/launch.html} with the deployment's SMART settings: the client id the EHR's authorization
 * server registered for the app ({@code carac.app.client-id}) and the scopes to ask
 * ({@code carac.app.scope}), as the {@code <meta>} tags the app reads (frontend/src/config.ts). Without
 * them the built page is served as it is.
 */
@RestController
class AppLaunchPage {

  private static final String PAGE = "static/app/launch.html";

  private final String page;

  AppLaunchPage(AppProperties properties) throws IOException {
    this.page = withSettings(read(), properties);
  }

  @GetMapping(value = "/app/launch.html", produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> launch() {
    if (page == null) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
          .body("the SMART app was not built into this package");
    }
    return ResponseEntity.ok().cacheControl(CacheControl.noCache()).contentType(MediaType.TEXT_HTML).body(page);
  }

  static String withSettings(String html, AppProperties properties) {
    if (html == null) {
      return null;
    }
    StringBuilder meta = new StringBuilder();
    if (!properties.clientId().isEmpty()) {
      meta.append("\n    <meta name=\"carac-client-id\" content=\"").append(HtmlUtils.htmlEscape(properties.clientId())).append("\" />");
    }
    if (!properties.scope().isEmpty()) {
      meta.append("\n    <meta name=\"carac-scope\" content=\"").append(HtmlUtils.htmlEscape(properties.scope())).append("\" />");
    }
    int head = html.indexOf("<head>");
    return meta.isEmpty() || head < 0 ? html : html.substring(0, head + 6) + meta + html.substring(head + 6);
  }

  private static String read() throws IOException {
    var resource = new ClassPathResource(PAGE);
    if (!resource.exists()) {
      return null;
    }
    try (InputStream in = resource.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
