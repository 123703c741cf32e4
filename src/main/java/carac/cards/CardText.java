package carac.cards;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;

/** Card wording from {@code cards/messages*.properties} in one language, and number formatting. */
final class CardText {

  private static final BigDecimal LARGE = BigDecimal.valueOf(1_000_000_000L);

  private final ResourceBundle bundle;
  private final Locale locale;

  Locale locale() {
    return locale;
  }

  CardText(Locale locale) {
    this.locale = locale;
    this.bundle = ResourceBundle.getBundle("cards.messages", locale, ResourceBundle.Control.getNoFallbackControl(
        ResourceBundle.Control.FORMAT_PROPERTIES));
  }

  String get(String key, Object... args) {
    String pattern = bundle.getString(key);
    return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
  }

  /** A number as shown: at most two decimals, no trailing zeros (comparisons use the exact value). */
  static String number(Object value) {
    if (value == null) {
      return "?";
    }
    BigDecimal d;
    try {
      d = value instanceof BigDecimal b ? b : new BigDecimal(value.toString());
    } catch (NumberFormatException e) {
      return "?";
    }
    // an absurd value (1e120) must not make a summary overflow: beyond a billion, 3 significant digits
    if (d.abs().compareTo(LARGE) >= 0) {
      return d.round(new java.math.MathContext(3, RoundingMode.HALF_UP)).toString();
    }
    BigDecimal shown = d.setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
    return shown.scale() < 0 ? shown.setScale(0).toPlainString() : shown.toPlainString();
  }
}
