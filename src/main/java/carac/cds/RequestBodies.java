package carac.cds;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/** Reads a JSON request body up to a size cap: 415 for another media type, 413 above the cap. */
public final class RequestBodies {

  private RequestBodies() {}

  public static byte[] readJson(HttpServletRequest request, long maxBytes) {
    String type = request.getContentType();
    MediaType mediaType;
    try {
      mediaType = type == null ? null : MediaType.parseMediaType(type);
    } catch (InvalidMediaTypeException e) {
      mediaType = null;
    }
    if (mediaType == null || !(MediaType.APPLICATION_JSON.includes(mediaType)
        || "fhir+json".equals(mediaType.getSubtype()) && "application".equals(mediaType.getType()))) {
      throw new CdsException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "not-supported",
          "Content-Type must be application/json");
    }
    if (request.getContentLengthLong() > maxBytes) {
      throw tooLarge(maxBytes);
    }
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (body.length > maxBytes) {
        throw tooLarge(maxBytes);
      }
      return body;
    } catch (IOException e) {
      throw CdsException.badRequest("the request body could not be read");
    }
  }

  private static CdsException tooLarge(long maxBytes) {
    return new CdsException(HttpStatus.PAYLOAD_TOO_LARGE, "too-long",
        "request body larger than " + maxBytes + " bytes");
  }
}
