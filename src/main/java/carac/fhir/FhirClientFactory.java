package carac.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;

/**
 * HAPI generic clients for call-backs, one per request, each carrying only the caller's Bearer token. It
 * owns its FhirContext so the timeouts set here never change clients elsewhere in the process; the
 * connection pool is shared by all clients of this factory.
 */
public final class FhirClientFactory {

  private final FhirContext context;

  public FhirClientFactory(FhirFetchSettings settings) {
    this.context = FhirContext.forR4();
    var factory = context.getRestfulClientFactory();
    factory.setConnectTimeout((int) settings.connectTimeout().toMillis());
    factory.setConnectionRequestTimeout((int) settings.connectTimeout().toMillis());
    factory.setSocketTimeout((int) settings.readTimeout().toMillis());
    factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
    factory.setPoolMaxTotal(Math.max(20, settings.threads() * 2));
    factory.setPoolMaxPerRoute(Math.max(20, settings.threads() * 2));
    // our own Apache client: same timeouts, but redirects are never followed (a redirect would carry the
    // caller's Bearer token to wherever the FHIR server points) and nothing is retried behind our budget
    int connect = (int) settings.connectTimeout().toMillis();
    var connections = new org.apache.http.impl.conn.PoolingHttpClientConnectionManager(5, java.util.concurrent.TimeUnit.MINUTES);
    connections.setMaxTotal(Math.max(20, settings.threads() * 2));
    connections.setDefaultMaxPerRoute(Math.max(20, settings.threads() * 2));
    factory.setHttpClient(org.apache.http.impl.client.HttpClients.custom()
        .setConnectionManager(connections)
        .setDefaultRequestConfig(org.apache.http.client.config.RequestConfig.custom()
            .setConnectTimeout(connect)
            .setConnectionRequestTimeout(connect)
            .setSocketTimeout((int) settings.readTimeout().toMillis())
            .setRedirectsEnabled(false)
            .build())
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableCookieManagement()
        // stream-capped answers (after gzip decoding): a huge body is cut off while read, never buffered whole
        .addInterceptorLast(new ResponseSizeCap(settings.maxResponseBytes()))
        .build());
    // scan the model now, not inside the first call's budget (it takes a second or more on 2 cores)
    context.newJsonParser().parseResource(
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":{\"resourceType\":\"Observation\","
            + "\"status\":\"final\",\"code\":{\"text\":\"warm-up\"}}}]}");
    for (String type : new String[] {"Patient", "Observation", "Condition", "MedicationAdministration", "Procedure",
        "Medication", "OperationOutcome"}) {
      context.getResourceDefinition(type);
    }
  }

  public FhirContext context() {
    return context;
  }

  /** A client for {@code baseUrl} sending {@code Authorization: Bearer token} (none when token is null). */
  public IGenericClient client(String baseUrl, String bearerToken) {
    IGenericClient client = context.newRestfulGenericClient(baseUrl);
    if (bearerToken != null) {
      client.registerInterceptor(new BearerTokenAuthInterceptor(bearerToken));
    }
    return client;
  }
}
