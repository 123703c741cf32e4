package carac.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another vendor's CDS service for the sandbox EHR page to call beside CARAC Watch (BrowserIT): a discovery
 * with one {@code patient-view} service that answers one plain info card (no topic, its own source) for the
 * patients of story tc-02, and a feedback endpoint. One per test JVM, on a free loopback port.
 */
public final class ThirdPartyCdsService {

  public static final String SERVICE_ID = "third-party-check";
  private static final AtomicInteger FEEDBACK = new AtomicInteger();
  private static volatile String discoveryUrl;

  private ThirdPartyCdsService() {}

  /** Starts the service once; its discovery URL. */
  public static synchronized String discoveryUrl() {
    if (discoveryUrl == null) {
      try {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/vendor/cds-services", ThirdPartyCdsService::handle);
        server.setExecutor(null);
        server.start();
        discoveryUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/vendor/cds-services";
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return discoveryUrl;
  }

  public static int feedbackReceived() {
    return FEEDBACK.get();
  }

  private static void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String answer;
    if (path.endsWith("/cds-services")) {
      answer = "{\"services\":[{\"hook\":\"patient-view\",\"id\":\"" + SERVICE_ID + "\",\"title\":\"Third-party check\","
          + "\"description\":\"A vendor's service\",\"prefetch\":{\"patient\":\"Patient/{{context.patientId}}\"}}]}";
    } else if (path.endsWith("/feedback")) {
      FEEDBACK.incrementAndGet();
      answer = "{}";
    } else if (body.contains("tc-02-")) {
      answer = "{\"cards\":[{\"uuid\":\"" + UUID.randomUUID() + "\",\"summary\":\"Third-party reminder: check the vaccination record\","
          + "\"indicator\":\"info\",\"source\":{\"label\":\"Vendor CDS\"}}]}";
    } else {
      answer = "{\"cards\":[]}";
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
