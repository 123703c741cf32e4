package carac.cards;

import java.util.List;
import java.util.Map;

/**
 * A CDS Hooks 2.0 card (the fields CARAC Watch fills; links come with the service). {@code suggestions}
 * are the card's actionable proposals (tests to order, a draft order to remove; never a medication to
 * create or change); {@code overrideReasons} are the rule's own reasons, offered before the service's
 * configured ones.
 */
public record Card(String uuid, String summary, String indicator, Source source, String detail,
    List<Suggestion> suggestions, List<Coding> overrideReasons) {

  public Card {
    suggestions = suggestions == null ? List.of() : List.copyOf(suggestions);
    overrideReasons = overrideReasons == null ? List.of() : List.copyOf(overrideReasons);
  }

  public Card(String uuid, String summary, String indicator, Source source, String detail) {
    this(uuid, summary, indicator, source, detail, List.of(), List.of());
  }

  /** The card's source: label "CARAC Watch" and the rule id as a coded topic. */
  public record Source(String label, Coding topic) {}

  /** A FHIR-style Coding in CDS Hooks JSON. */
  public record Coding(String system, String code, String display) {}

  /** A CDS Hooks suggestion: a label, a stable uuid and its actions. */
  public record Suggestion(String label, String uuid, boolean isRecommended, List<Action> actions) {}

  /**
   * A CDS Hooks 2.0 action: {@code create} with a FHIR resource (as JSON maps), or {@code delete} with the
   * relative references of what it removes ({@code resourceId}).
   */
  public record Action(String type, String description, List<String> resourceId, Map<String, Object> resource) {}
}
