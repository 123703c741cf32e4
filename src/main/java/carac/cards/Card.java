package carac.cards;

/** A CDS Hooks 2.0 card (the fields CARAC Watch fills; links and suggestions come with the service). */
public record Card(String uuid, String summary, String indicator, Source source, String detail) {

  /** The card's source: label "CARAC Watch" and the rule id as a coded topic. */
  public record Source(String label, Coding topic) {}

  /** A FHIR-style Coding in CDS Hooks JSON. */
  public record Coding(String system, String code, String display) {}
}
