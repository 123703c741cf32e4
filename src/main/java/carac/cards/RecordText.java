package carac.cards;

/**
 * Strings that come from the patient's record (units, resource ids, dates, data-quality wording that may
 * quote them) as they may appear on a card. A record is input from outside: it must never add a link, a
 * heading, emphasis or HTML to a card, whatever Markdown renderer the EHR uses. So control characters and
 * line breaks become spaces, the length is capped, HTML's {@code < > &} become entities and every other
 * Markdown-active character is backslash-escaped (CommonMark renders both as the plain character).
 */
public final class RecordText {

  /** Longer record strings are cut with an ellipsis (a unit or an id is far shorter). */
  public static final int MAX_LENGTH = 80;

  private static final String MARKDOWN_ACTIVE = "\\`*_{}[]()#+-!|~.@";

  private RecordText() {}

  /** For Markdown (card detail): one line, capped, HTML and Markdown escaped. */
  public static String markdown(Object value) {
    String plain = plain(value);
    StringBuilder out = new StringBuilder(plain.length() + 8);
    for (int i = 0; i < plain.length(); i++) {
      char c = plain.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> {
          // '-', '+' and '.' only start a list item or end an ordered-list number: escape them only first
          if (MARKDOWN_ACTIVE.indexOf(c) >= 0 && (".-+".indexOf(c) < 0 || i == 0)) {
            out.append('\\');
          }
          out.append(c);
        }
      }
    }
    return out.toString();
  }

  /** What a Markdown reader sees of {@link #markdown}: escapes and the four entities undone (for tests and logs). */
  public static String rendered(String markdown) {
    return markdown.replaceAll("\\\\([!-/:-@\\[-`{-~])", "$1").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&quot;", "\"").replace("&amp;", "&");
  }

  /** For plain text (card summary): one line, capped, no control characters. */
  public static String plain(Object value) {
    if (value == null) {
      return "?";
    }
    String s = value.toString();
    StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_LENGTH + 1));
    int kept = 0;
    for (int i = 0; i < s.length() && kept <= MAX_LENGTH; ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      boolean control = Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029 || Character.getType(cp) == Character.FORMAT;
      out.appendCodePoint(control ? ' ' : cp);
      kept++;
    }
    // renderers that link bare URLs (GFM autolinks) would still make a link of them: break the pattern
    String one = out.toString().replace("://", ": //").replaceAll("(?i)www\\.", "www .");
    if (kept > MAX_LENGTH) {
      one = one.substring(0, one.offsetByCodePoints(0, MAX_LENGTH - 1)) + "…";
    }
    return one;
  }
}
