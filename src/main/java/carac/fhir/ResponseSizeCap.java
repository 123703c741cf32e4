package carac.fhir;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.http.HttpEntity;
import org.apache.http.HttpResponse;
import org.apache.http.HttpResponseInterceptor;
import org.apache.http.entity.HttpEntityWrapper;
import org.apache.http.protocol.HttpContext;

/**
 * Caps every call-back answer at a number of bytes, streamed: a declared Content-Length above the cap is
 * refused before reading, and a body that grows past it is cut off while it is read, so a 50 MB answer
 * never reaches the parser (it ran the JVM out of memory before, issue 13 item 1).
 */
final class ResponseSizeCap implements HttpResponseInterceptor {

  /** The answer was larger than the cap. */
  static final class TooLarge extends IOException {
    TooLarge(long max) {
      super("larger than " + max + " bytes");
    }
  }

  private final long maxBytes;

  ResponseSizeCap(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public void process(HttpResponse response, HttpContext context) throws IOException {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      return;
    }
    if (entity.getContentLength() > maxBytes) {
      throw new TooLarge(maxBytes);
    }
    response.setEntity(new HttpEntityWrapper(entity) {
      @Override
      public InputStream getContent() throws IOException {
        return new Counting(super.getContent(), maxBytes);
      }

      @Override
      public boolean isRepeatable() {
        return false;
      }
    });
  }

  private static final class Counting extends FilterInputStream {
    private final long max;
    private long read;

    Counting(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(long n) throws IOException {
      read += n;
      if (read > max) {
        abort();
        throw new TooLarge(max);
      }
    }

    /**
     * Closing a chunked body normally reads it to its end to reuse the connection (all 50 MB): after an
     * overflow the connection is dropped instead.
     */
    private void abort() throws IOException {
      if (in instanceof org.apache.http.conn.EofSensorInputStream eof) {
        eof.abortConnection();
      }
    }

    @Override
    public void close() throws IOException {
      if (read > max) {
        abort();
        return;
      }
      super.close();
    }
  }
}
