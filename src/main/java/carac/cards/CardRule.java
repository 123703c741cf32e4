package carac.cards;

import java.util.Arrays;

/**
 * The CARAC rules that can raise a card, with the card indicator. Mapping: DIC and its management are
 * critical (act now); management rules are warnings; risk, monitoring and the peak banner are info.
 */
enum CardRule {
  DIC("R-DIC", "critical"),
  DIC_MGMT("R-DIC-MGMT", "critical"),
  FIB("R-FIB", "warning"),
  STEROID("R-STEROID", "warning"),
  ALT("R-ALT", "warning"),
  TOCI_MON("R-TOCI-MON", "info"),
  MON("R-MON", "info"),
  PEAK("R-PEAK", "info"),
  THR("R-THR", "info"),
  BLD("R-BLD", "info"),
  HT("R-HT", "info");

  final String id;
  final String indicator;

  CardRule(String id, String indicator) {
    this.id = id;
    this.indicator = indicator;
  }

  /** The template key prefix, e.g. {@code r-dic-mgmt}. */
  String key() {
    return id.toLowerCase(java.util.Locale.ROOT);
  }

  static CardRule of(String id) {
    return Arrays.stream(values())
        .filter(r -> r.id.equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no card for rule " + id));
  }
}
