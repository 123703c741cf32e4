package carac.cds;

/** A prefetch key whose data could not be obtained, and why (plain words, no patient data). */
public record Unavailable(String key, String reason) {}
