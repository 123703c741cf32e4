package carac.web;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * HAPI logs every exception an interceptor throws at ERROR with its stack trace, including the 403 of the
 * authorization interceptor (about 17 KB per refused {@code /fhir} read, a log flood an attacker controls).
 * A client error (4xx) is the request's fault, not ours: that event is dropped here; HAPI still logs one
 * WARN line per failure, and server errors (5xx) keep their stack trace.
 */
public final class QuietClientErrorLogs extends TurboFilter {

  static final String HAPI_INTERCEPTORS = "ca.uhn.fhir.interceptor.executor.BaseInterceptorService";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (logger == null || !HAPI_INTERCEPTORS.equals(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    Throwable thrown = t;
    if (thrown == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
      thrown = last;
    }
    return thrown instanceof BaseServerResponseException e && e.getStatusCode() >= 400 && e.getStatusCode() < 500
        ? FilterReply.DENY : FilterReply.NEUTRAL;
  }
}
