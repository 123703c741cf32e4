package carac.cds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The prefetch object of a hook request, each object or array value kept as its place in the request body and
 * turned into a JSON tree only when a key is read. The body was checked as JSON when it was read (syntax, depth,
 * number length), so reading a key cannot find new errors. Why: most patient-view calls are for patients
 * without a CAR-T course, answered after the course keys alone; the Observations of the prefetch (most of
 * the body) are then never built into a tree. One request, one thread.
 */
final class DeferredPrefetch extends AbstractMap<String, JsonNode> {

  private final ObjectMapper json;
  private final byte[] body;
  /** A JsonNode, or an int[]{start, end} of the value in {@link #body}. */
  private final Map<String, Object> values = new LinkedHashMap<>();

  DeferredPrefetch(ObjectMapper json, byte[] body) {
    this.json = json;
    this.body = body;
  }

  void put(String key, int start, int end) {
    values.put(key, new int[] {start, end});
  }

  @Override
  public JsonNode put(String key, JsonNode value) {
    Object old = values.put(key, value);
    return old instanceof JsonNode node ? node : null;
  }

  @Override
  public boolean containsKey(Object key) {
    return values.containsKey(key);
  }

  @Override
  public JsonNode get(Object key) {
    Object value = values.get(key);
    if (value instanceof int[] range) {
      JsonNode node;
      try {
        node = json.readTree(body, range[0], range[1] - range[0]);
      } catch (IOException e) {
        // not expected (the whole body parsed): a value that is no FHIR resource, the key unavailable, never a 500
        node = JsonNodeFactory.instance.textNode("unreadable prefetch value");
      }
      values.put((String) key, node);
      return node;
    }
    return (JsonNode) value;
  }

  @Override
  public Set<Entry<String, JsonNode>> entrySet() {
    return values.keySet().stream().map(k -> new SimpleImmutableEntry<>(k, get(k)))
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }
}
