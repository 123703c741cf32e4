package carac.cds;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Checks a CDS Hooks 2.0 feedback body; each problem is a 400 naming the entry and field. */
final class FeedbackParser {

  private FeedbackParser() {}

  static List<FeedbackStore.Entry> parse(JsonNode root) {
    JsonNode list = root.get("feedback");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw CdsException.badRequest("feedback must be a non-empty array");
    }
    if (list.size() > 1000) {
      throw CdsException.badRequest("at most 1000 feedback entries per call");
    }
    List<FeedbackStore.Entry> entries = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      entries.add(entry(list.get(i), "feedback[" + i + "]"));
    }
    return entries;
  }

  private static FeedbackStore.Entry entry(JsonNode e, String at) {
    String card = text(e, "card", at, true, 36);
    try {
      UUID.fromString(card);
    } catch (IllegalArgumentException ex) {
      throw CdsException.badRequest(at + ".card must be a card uuid");
    }
    String outcome = text(e, "outcome", at, true, 16);
    if (!outcome.equals("accepted") && !outcome.equals("overridden")) {
      throw CdsException.badRequest(at + ".outcome must be accepted or overridden");
    }
    OffsetDateTime when;
    try {
      when = OffsetDateTime.parse(text(e, "outcomeTimestamp", at, true, 64));
    } catch (DateTimeParseException ex) {
      throw CdsException.badRequest(at + ".outcomeTimestamp must be an ISO date-time with offset");
    }
    List<String> accepted = new ArrayList<>();
    JsonNode suggestions = e.get("acceptedSuggestions");
    if (suggestions != null && !suggestions.isNull()) {
      if (!suggestions.isArray()) {
        throw CdsException.badRequest(at + ".acceptedSuggestions must be an array");
      }
      for (JsonNode s : suggestions) {
        accepted.add(text(s, "id", at + ".acceptedSuggestions[]", true, 64));
      }
    }
    String system = null;
    String code = null;
    String display = null;
    String comment = null;
    JsonNode override = e.get("overrideReason");
    if (override != null && !override.isNull()) {
      if (!outcome.equals("overridden")) {
        throw CdsException.badRequest(at + ".overrideReason is only for overridden cards");
      }
      JsonNode reason = override.get("reason");
      if (reason != null && !reason.isNull()) {
        code = text(reason, "code", at + ".overrideReason.reason", true, 128);
        system = text(reason, "system", at + ".overrideReason.reason", false, 512);
        display = text(reason, "display", at + ".overrideReason.reason", false, 512);
      }
      comment = text(override, "userComment", at + ".overrideReason", false, 4000);
    }
    return new FeedbackStore.Entry(card, outcome, List.copyOf(accepted), system, code, display, comment, when);
  }

  private static String text(JsonNode node, String field, String at, boolean required, int max) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw CdsException.badRequest(at + "." + field + " is required");
      }
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > max) {
      throw CdsException.badRequest(at + "." + field + " must be a non-empty string of at most " + max + " characters");
    }
    return v.asText();
  }
}
