package carac.cds;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import carac.fhir.FhirServerAllowList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads and checks a CDS Hooks 2.0 call body for one hook; every problem is a 400 naming the field (never
 * its value, which may identify a patient).
 */
final class HookRequestParser {

  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  /**
   * Tight read limits: FHIR in a prefetch nests about 15 deep and its decimals are short; deeper nesting or
   * longer numbers are an attack on the parser (and 1,000-digit numbers reached BigDecimal code), so 400.
   */
  private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
      .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
          .maxNestingDepth(64).maxNumberLength(64).build())
      .build()).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      // prefetch FHIR goes from this tree straight into HAPI's parser: decimals stay exact (3.10 keeps its scale,
      // no binary rounding), as HAPI's own JSON reader keeps them
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));
  /** One value inside the body (the body's end is checked once, after the request object). */
  private static final com.fasterxml.jackson.databind.ObjectReader VALUE =
      JSON.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final String expectedHook;
  private final FhirServerAllowList allowList;

  /** @param allowList where fhirAuthorization may be sent; null only in tests of the body's shape */
  HookRequestParser(String expectedHook, FhirServerAllowList allowList) {
    this.expectedHook = expectedHook;
    this.allowList = allowList;
  }

  static JsonNode readJson(byte[] body) {
    if (body.length == 0) {
      throw CdsException.badRequest("empty request body (a JSON object was expected)");
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw CdsException.badRequest("the request body is not a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      throw CdsException.badRequest("JSON nested deeper or with longer numbers than this service accepts");
    } catch (JsonProcessingException e) {
      // some parser errors carry no location (it was null for constraint violations: a 500 before)
      var at = e.getLocation();
      throw CdsException.badRequest(at == null ? "malformed JSON"
          : "malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr());
    } catch (java.io.IOException e) {
      throw CdsException.badRequest("unreadable request body");
    }
  }

  /**
   * The request body as a JSON tree, except the values of {@code prefetch}: checked as JSON like the rest, but
   * kept as places in the body until a key is read ({@link DeferredPrefetch}; null when the body has no prefetch
   * object, which then stays in the tree as sent). Errors as {@link #readJson}.
   */
  private record Body(ObjectNode root, DeferredPrefetch prefetch) {}

  private static Body readDeferringPrefetch(byte[] body) {
    if (body.length == 0) {
      throw CdsException.badRequest("empty request body (a JSON object was expected)");
    }
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw CdsException.badRequest("the request body is not a JSON object");
      }
      ObjectNode root = JSON.createObjectNode();
      DeferredPrefetch prefetch = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("prefetch".equals(name) && value == JsonToken.START_OBJECT) {
          prefetch = new DeferredPrefetch(JSON, body);
          root.remove(name);
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken keyValue = parser.nextToken();
            if (keyValue == JsonToken.START_OBJECT || keyValue == JsonToken.START_ARRAY) {
              int start = (int) parser.currentTokenLocation().getByteOffset();
              parser.skipChildren(); // still checks syntax, depth and number length
              prefetch.put(key, start, (int) parser.currentTokenLocation().getByteOffset() + 1);
            } else {
              prefetch.put(key, (JsonNode) VALUE.readTree(parser));
            }
          }
        } else {
          if ("prefetch".equals(name)) {
            prefetch = null; // a later duplicate wins, as in a tree
          }
          root.set(name, (JsonNode) VALUE.readTree(parser));
        }
      }
      if (parser.nextToken() != null) {
        throw CdsException.badRequest("malformed JSON (content after the request object)");
      }
      return new Body(root, prefetch);
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      throw CdsException.badRequest("JSON nested deeper or with longer numbers than this service accepts");
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw CdsException.badRequest(at == null ? "malformed JSON"
          : "malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr());
    } catch (java.io.IOException e) {
      throw CdsException.badRequest("unreadable request body");
    }
  }

  HookRequest parse(byte[] body) {
    Body read = readDeferringPrefetch(body);
    JsonNode root = read.root();
    String hook = text(root, "hook", true);
    if (!expectedHook.equals(hook)) {
      throw CdsException.badRequest("this service answers the hook '" + expectedHook + "', not '" + hook + "'");
    }
    String hookInstance = text(root, "hookInstance", true);
    try {
      UUID.fromString(hookInstance);
    } catch (IllegalArgumentException e) {
      throw CdsException.badRequest("hookInstance must be a UUID");
    }
    JsonNode context = root.get("context");
    if (context == null || !context.isObject()) {
      throw CdsException.badRequest("context is required and must be an object");
    }
    String patientId = text(context, "patientId", true);
    if (!FHIR_ID.matcher(patientId).matches()) {
      throw CdsException.badRequest("context.patientId is not a FHIR id");
    }
    String userId = text(context, "userId", false);
    String encounterId = text(context, "encounterId", false);

    String fhirServer = text(root, "fhirServer", false);
    if (fhirServer != null) {
      checkFhirServer(fhirServer);
    }
    String accessToken = null;
    JsonNode auth = root.get("fhirAuthorization");
    if (auth != null && !auth.isNull()) {
      if (!auth.isObject()) {
        throw CdsException.badRequest("fhirAuthorization must be an object");
      }
      if (fhirServer == null) {
        throw CdsException.badRequest("fhirServer is required when fhirAuthorization is present");
      }
      accessToken = text(auth, "access_token", true);
      if (!"bearer".equalsIgnoreCase(text(auth, "token_type", true))) {
        throw CdsException.badRequest("fhirAuthorization.token_type must be Bearer");
      }
      JsonNode expires = auth.get("expires_in");
      if (expires == null || !expires.isNumber() || expires.asLong() <= 0) {
        throw CdsException.badRequest("fhirAuthorization.expires_in must be a positive number of seconds");
      }
      text(auth, "scope", true);
      text(auth, "subject", true);
    }
    Map<String, JsonNode> prefetch = read.prefetch() != null ? read.prefetch() : new LinkedHashMap<>();
    JsonNode p = root.get("prefetch");
    if (read.prefetch() == null && p != null && !p.isNull()) {
      if (!p.isObject()) {
        throw CdsException.badRequest("prefetch must be an object");
      }
      p.fields().forEachRemaining(e -> prefetch.put(e.getKey(), e.getValue()));
    }
    if (fhirServer != null) {
      checkAllowList(fhirServer); // last: a malformed body is a 400 whatever its fhirServer
    }
    return new HookRequest(hook, hookInstance, patientId, userId, encounterId, fhirServer, accessToken, prefetch);
  }

  private void checkFhirServer(String fhirServer) {
    try {
      URI uri = new URI(fhirServer);
      if (!uri.isAbsolute() || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null) {
        throw CdsException.badRequest("fhirServer must be an absolute http(s) base URL");
      }
    } catch (URISyntaxException e) {
      throw CdsException.badRequest("fhirServer is not a URL");
    }
  }

  private void checkAllowList(String fhirServer) {
    if (allowList != null) {
      try {
        allowList.check(fhirServer);
      } catch (FhirServerAllowList.Refused e) {
        throw new CdsException(org.springframework.http.HttpStatus.FORBIDDEN, "forbidden", "fhirServer refused: " + e.getMessage());
      }
    }
  }

  private static String text(JsonNode node, String field, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw CdsException.badRequest(field + " is required");
      }
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw CdsException.badRequest(field + " must be a non-empty string");
    }
    return v.asText();
  }
}
