package carac.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses requests whose shape is an attack before any other code reads them: two {@code Authorization}
 * headers (which one wins differs between components; a bare 401 for the CDS service, 400 elsewhere), and
 * request bodies that trickle in (220 slow bodies took every Tomcat thread): a body must be complete within
 * the deadline, else 408. Form posts (sign-in, token endpoint) are read here under the same deadline, since
 * Tomcat would otherwise read them itself when the first parameter is asked for.
 */
final class RequestShapeFilter extends OncePerRequestFilter {

  /** Form bodies of the sign-in and OAuth2 endpoints are small. */
  static final int MAX_FORM_BYTES = 64 * 1024;

  private final long deadlineNanos;

  RequestShapeFilter(Duration deadline) {
    this.deadlineNanos = deadline.toNanos();
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Enumeration<String> auth = request.getHeaders("Authorization");
    if (auth != null && auth.hasMoreElements()) {
      auth.nextElement();
      if (auth.hasMoreElements()) {
        if (request.getRequestURI().startsWith(request.getContextPath() + "/cds-services")) {
          response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
          response.setHeader("WWW-Authenticate", "Bearer");
        } else {
          refuse(response, 400, "more than one Authorization header");
        }
        return;
      }
    }
    long deadline = System.nanoTime() + deadlineNanos;
    String type = request.getContentType();
    if ("POST".equals(request.getMethod()) && type != null
        && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      byte[] body;
      try (InputStream in = new Deadline(request.getInputStream(), deadline)) {
        body = in.readNBytes(MAX_FORM_BYTES + 1);
      } catch (SlowBody e) {
        refuse(response, 408, "the request body was not received in time");
        return;
      }
      if (body.length > MAX_FORM_BYTES) {
        refuse(response, 413, "form body too large");
        return;
      }
      chain.doFilter(new FormRequest(request, body), response);
      return;
    }
    try {
      chain.doFilter(new HttpServletRequestWrapper(request) {
        private ServletInputStream stream;

        @Override
        public ServletInputStream getInputStream() throws IOException {
          if (stream == null) {
            stream = new DeadlineServletStream(super.getInputStream(), deadline);
          }
          return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
          String enc = getCharacterEncoding();
          return new BufferedReader(new InputStreamReader(getInputStream(),
              enc == null ? StandardCharsets.UTF_8 : Charset.forName(enc)));
        }
      }, response);
    } catch (SlowBody e) {
      if (!response.isCommitted()) {
        response.reset();
        refuse(response, 408, "the request body was not received in time");
      }
    }
  }

  static void refuse(HttpServletResponse response, int status, String text) throws IOException {
    response.setStatus(status);
    response.setHeader("Connection", "close");
    response.setContentType("application/fhir+json;charset=UTF-8");
    response.getWriter().write("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\""
        + (status == 408 ? "timeout" : status == 413 ? "too-long" : "invalid") + "\",\"diagnostics\":\"" + text + "\"}]}");
  }

  /** The body did not arrive in time. */
  static final class SlowBody extends IOException {
    SlowBody() {
      super("request body deadline passed");
    }
  }

  /** Checks the deadline before every read (Tomcat's connection timeout bounds each single wait). */
  private static final class Deadline extends java.io.FilterInputStream {
    private final long deadline;

    Deadline(InputStream in, long deadline) {
      super(in);
      this.deadline = deadline;
    }

    private void check() throws SlowBody {
      if (System.nanoTime() > deadline) {
        throw new SlowBody();
      }
    }

    @Override
    public int read() throws IOException {
      check();
      int b = super.read();
      check();
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      check();
      int n = super.read(b, off, len);
      check();
      return n;
    }
  }

  private static final class DeadlineServletStream extends ServletInputStream {
    private final ServletInputStream in;
    private final Deadline guarded;

    DeadlineServletStream(ServletInputStream in, long deadline) {
      this.in = in;
      this.guarded = new Deadline(in, deadline);
    }

    @Override
    public int read() throws IOException {
      return guarded.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return guarded.read(b, off, len);
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }

  /** A form post whose body was read here: parameters from the query string and that body. */
  private static final class FormRequest extends HttpServletRequestWrapper {
    private final byte[] body;
    private final Map<String, String[]> parameters;

    FormRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
      Map<String, List<String>> all = new LinkedHashMap<>();
      add(all, request.getQueryString());
      add(all, new String(body, StandardCharsets.UTF_8));
      Map<String, String[]> out = new LinkedHashMap<>();
      all.forEach((k, v) -> out.put(k, v.toArray(String[]::new)));
      this.parameters = Collections.unmodifiableMap(out);
    }

    private static void add(Map<String, List<String>> all, String query) {
      if (query == null || query.isEmpty()) {
        return;
      }
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        try {
          String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
          String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          all.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
        } catch (IllegalArgumentException malformed) {
          // a malformed pair is dropped, as Tomcat does
        }
      }
    }

    @Override
    public String getParameter(String name) {
      String[] v = parameters.get(name);
      return v == null ? null : v[0];
    }

    @Override
    public Map<String, String[]> getParameterMap() {
      return parameters;
    }

    @Override
    public Enumeration<String> getParameterNames() {
      return Collections.enumeration(parameters.keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
      return parameters.get(name);
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException();
        }
      };
    }
  }
}
