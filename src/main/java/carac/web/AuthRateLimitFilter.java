package carac.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Rate limits where guessing pays: per client address, the OAuth2 endpoints and the sign-in form get a
 * number of requests per minute, and refused CDS Hooks calls (junk tokens) a smaller number; a sign-in
 * name is locked out for a while after repeated wrong passwords (whoever sends them). Over the limit: 429
 * with {@code Retry-After}. The client address is the TCP peer (never a header the client writes); behind
 * a reverse proxy, the proxy limits per real client (README recipe). In-memory, bounded.
 */
final class AuthRateLimitFilter extends OncePerRequestFilter {

  private static final Set<String> AUTH_PATHS = Set.of("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke",
      "/oauth2/authorize", "/login", "/sandbox/pick-patient", "/userinfo", "/connect/logout");
  private static final int MAX_KEYS = 100_000;
  private static final long MINUTE = 60_000_000_000L;

  private final int perMinute;
  private final int failuresBeforeLockout;
  private final long lockoutNanos;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final Map<String, Window> signInFailures = new ConcurrentHashMap<>();

  AuthRateLimitFilter(int perMinute, int failuresBeforeLockout, Duration lockout) {
    this.perMinute = perMinute;
    this.failuresBeforeLockout = failuresBeforeLockout;
    this.lockoutNanos = lockout.toNanos();
  }

  /** A fixed one-minute window (or lock-out period) with its count. */
  private static final class Window {
    final long start;
    final AtomicInteger count = new AtomicInteger();

    Window(long start) {
      this.start = start;
    }
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    String client = request.getRemoteAddr();
    long now = System.nanoTime();
    if (path.startsWith("/cds-services")) {
      // only refusals count: a busy EHR is never slowed, a junk-token flood is
      if (count(windows, "cds|" + client, now, MINUTE, false) >= perMinute / 2) {
        tooMany(response, 60);
        return;
      }
      chain.doFilter(request, response);
      if (response.getStatus() == 401) {
        count(windows, "cds|" + client, now, MINUTE, true);
      }
      return;
    }
    if (!AUTH_PATHS.contains(path)) {
      chain.doFilter(request, response);
      return;
    }
    if (count(windows, "auth|" + client, now, MINUTE, true) > perMinute) {
      tooMany(response, 60);
      return;
    }
    if (!"/login".equals(path) || !"POST".equals(request.getMethod())) {
      chain.doFilter(request, response);
      return;
    }
    String user = request.getParameter("username");
    String key = user == null ? "" : user.strip().toLowerCase(Locale.ROOT);
    if (count(signInFailures, key, now, lockoutNanos, false) >= failuresBeforeLockout) {
      tooMany(response, lockoutNanos / 1_000_000_000L);
      return;
    }
    boolean[] failed = new boolean[1];
    chain.doFilter(request, new HttpServletResponseWrapper(response) {
      @Override
      public void sendRedirect(String location) throws IOException {
        failed[0] = location != null && location.contains("error");
        super.sendRedirect(location);
      }
    });
    if (failed[0] || response.getStatus() == 401) {
      count(signInFailures, key, now, lockoutNanos, true);
    }
  }

  /** The count in the current window of {@code key}, incremented first when {@code add}. */
  private static int count(Map<String, Window> map, String key, long now, long period, boolean add) {
    if (map.size() > MAX_KEYS) {
      map.values().removeIf(w -> now - w.start > period);
      if (map.size() > MAX_KEYS) {
        map.clear(); // a flood of distinct keys: forget rather than grow
      }
    }
    Window w = map.compute(key, (k, old) -> old == null || now - old.start > period ? new Window(now) : old);
    return add ? w.count.incrementAndGet() : w.count.get();
  }

  private static void tooMany(HttpServletResponse response, long retryAfterSeconds) throws IOException {
    response.setStatus(429);
    response.setHeader("Retry-After", String.valueOf(Math.max(1, retryAfterSeconds)));
    response.setContentType("application/json;charset=UTF-8");
    response.getWriter().write("{\"error\":\"too_many_requests\",\"error_description\":\"too many requests; try again later\"}");
  }
}
