package carac.app;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the SMART app's backend API ({@code carac.app.*}).
 *
 * @param allowedFhirServers FHIR bases the backend may call with the user's token, added to
 *     {@code carac.cds.allowed-fhir-servers} (one allow-list for both, see {@code FhirServerAllowList})
 * @param corsAllowedOrigins browser origins allowed to call {@code /api/**}
 * @param maxBodyBytes request size cap
 * @param feedbackSummaryScope the scope a token needs for the feedback summary
 * @param feedbackSummaryJwkSetUri where the summary's tokens are verified when the application defines no
 *     JwtDecoder; empty = this application's {@code /oauth2/jwks}
 * @param clientId the app's SMART client id at the EHR's authorization server, written into
 *     {@code /app/launch.html}; empty = the app's built-in {@code carac-watch}
 * @param scope the scopes the app asks the EHR for; empty = the app's built-in SMART v2 read scopes
 */
@ConfigurationProperties("carac.app")
public record AppProperties(
    List<String> allowedFhirServers,
    List<String> corsAllowedOrigins,
    Long maxBodyBytes,
    String feedbackSummaryScope,
    String feedbackSummaryJwkSetUri,
    String clientId,
    String scope) {

  public AppProperties {
    allowedFhirServers = allowedFhirServers == null ? List.of() : List.copyOf(allowedFhirServers);
    corsAllowedOrigins = corsAllowedOrigins == null ? List.of() : List.copyOf(corsAllowedOrigins);
    maxBodyBytes = maxBodyBytes == null ? 64L * 1024 : maxBodyBytes;
    feedbackSummaryScope = feedbackSummaryScope == null || feedbackSummaryScope.isBlank()
        ? "carac/feedback.read" : feedbackSummaryScope;
    feedbackSummaryJwkSetUri = feedbackSummaryJwkSetUri == null ? "" : feedbackSummaryJwkSetUri;
    clientId = clientId == null ? "" : clientId.strip();
    scope = scope == null ? "" : scope.strip();
  }
}
