package carac.sandbox.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Requested scopes matched by their SMART meaning, not as strings (SMART App Launch 2.2 §3.0.2: the server
 * may grant fewer scopes than asked). On {@code /oauth2/authorize} a scope the client is not registered for,
 * and that no registered scope covers, is dropped from the request instead of failing it with
 * {@code invalid_scope}; {@code patient/Observation.rs} or v1 {@code patient/Observation.read} is kept when
 * {@code patient/*.rs} is registered. The token response's {@code scope} says what was granted.
 */
final class SmartScopeFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(SmartScopeFilter.class);

  private final RegisteredClientRepository clients;

  SmartScopeFilter(RegisteredClientRepository clients) {
    this.clients = clients;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().equals(request.getContextPath() + "/oauth2/authorize");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String clientId = request.getParameter("client_id");
    String scope = request.getParameter("scope");
    RegisteredClient client = clientId == null || scope == null ? null : clients.findByClientId(clientId);
    if (client == null) {
      chain.doFilter(request, response);
      return;
    }
    Set<String> kept = new LinkedHashSet<>();
    for (String s : AuthorizationServerConfig.scopeSet(scope)) {
      if (grantable(s, client.getScopes())) {
        kept.add(s);
      } else {
        log.info("SMART authorize: client {} asked for scope '{}' it is not registered for; not granted", clientId, s);
      }
    }
    String narrowed = String.join(" ", kept);
    chain.doFilter(narrowed.equals(scope.trim()) ? request : withScope(request, narrowed), response);
  }

  /** Spring's checks, with the registered scopes widened by what they cover in SMART terms. */
  static Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> bySmartMeaning(
      Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> defaults) {
    return context -> {
      RegisteredClient client = context.getRegisteredClient();
      Set<String> covered = new LinkedHashSet<>();
      OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
      for (String s : request.getScopes()) {
        if (grantable(s, client.getScopes())) {
          covered.add(s);
        }
      }
      var widened = RegisteredClient.from(client).scopes(scopes -> scopes.addAll(covered)).build();
      var builder = OAuth2AuthorizationCodeRequestAuthenticationContext.with(request).registeredClient(widened);
      if (context.getAuthorizationRequest() != null) {
        builder.authorizationRequest(context.getAuthorizationRequest());
      }
      if (context.getAuthorizationConsent() != null) {
        builder.authorizationConsent(context.getAuthorizationConsent());
      }
      defaults.accept(builder.build());
    };
  }

  /** True when the scope is registered, or a registered resource scope allows at least what it asks. */
  static boolean grantable(String scope, Collection<String> registered) {
    if (registered.contains(scope)) {
      return true;
    }
    String base = scope.contains("?") ? scope.substring(0, scope.indexOf('?')) : scope; // v2 search filter
    List<SmartScopes.Permission> asked = SmartScopes.parse(List.of(base));
    if (asked.isEmpty()) {
      return false; // not a resource scope (openid, launch, ...): only by its exact name
    }
    SmartScopes.Permission want = asked.get(0);
    for (SmartScopes.Permission have : SmartScopes.parse(registered)) {
      if (have.context().equals(want.context()) && (have.allTypes() || have.resourceType().equals(want.resourceType()))
          && (have.read() || !want.read()) && (have.search() || !want.search()) && (have.create() || !want.create())
          && (have.update() || !want.update()) && (have.delete() || !want.delete())) {
        return true;
      }
    }
    return false;
  }

  private static HttpServletRequest withScope(HttpServletRequest request, String scope) {
    Map<String, String[]> params = new LinkedHashMap<>(request.getParameterMap());
    params.put("scope", new String[] {scope});
    return new HttpServletRequestWrapper(request) {
      @Override
      public String getParameter(String name) {
        String[] values = params.get(name);
        return values == null || values.length == 0 ? null : values[0];
      }

      @Override
      public Map<String, String[]> getParameterMap() {
        return params;
      }

      @Override
      public java.util.Enumeration<String> getParameterNames() {
        return java.util.Collections.enumeration(params.keySet());
      }

      @Override
      public String[] getParameterValues(String name) {
        return params.get(name);
      }

      @Override
      public String getQueryString() {
        // SAS reads parameters, never the raw query, except to tell query from body parameters
        return super.getQueryString();
      }
    };
  }
}
