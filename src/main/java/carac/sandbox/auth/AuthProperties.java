package carac.sandbox.auth;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The sandbox's SMART authorization server (prefix {@code carac.sandbox.auth}): registered clients and
 * sandbox users. Clients and users live in configuration, never in code paths. {@code corsAllowedOrigins}:
 * browser origins (exact, or patterns such as {@code http://127.0.0.1:[*]}) allowed to call {@code /fhir/**}
 * and the authorization server's endpoints, for SMART apps served elsewhere.
 */
@ConfigurationProperties("carac.sandbox.auth")
public record AuthProperties(
    List<Client> clients,
    List<SandboxUser> users,
    @DefaultValue("PT60M") Duration accessTokenLifetime,
    @DefaultValue("PT8H") Duration refreshTokenLifetime,
    @DefaultValue("PT12H") Duration launchLifetime,
    String smartStyleUrl,
    List<String> corsAllowedOrigins) {

  public AuthProperties {
    clients = clients == null ? List.of() : List.copyOf(clients);
    corsAllowedOrigins = corsAllowedOrigins == null ? List.of() : List.copyOf(corsAllowedOrigins);
    users = users == null ? List.of() : List.copyOf(users);
  }

  /**
   * A registered client. No secret = a public client (browser app, PKCE only); a secret = a confidential
   * client authenticating with HTTP Basic ({@code client-confidential-symmetric}).
   *
   * @param grantTypes {@code authorization_code}, {@code refresh_token}, {@code client_credentials}
   * @param scopes every scope the client may ask for
   */
  public record Client(
      String clientId, String secret, List<String> redirectUris, List<String> grantTypes, List<String> scopes) {
    public Client {
      redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
      grantTypes = grantTypes == null ? List.of("authorization_code") : List.copyOf(grantTypes);
      scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    boolean isPublic() {
      return secret == null || secret.isBlank();
    }
  }

  /** A sign-in for the sandbox's EHR page; {@code fhirUser} is the FHIR resource the user is. */
  public record SandboxUser(String username, String password, String fhirUser) {}
}
