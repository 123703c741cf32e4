package carac.sandbox.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SMART App Launch resource scopes: v2 {@code patient/Observation.rs} (c, r, u, d, s in that order) and v1
 * {@code patient/Observation.read|write|*}, read as their v2 meaning ({@code .read} = {@code .rs}).
 * Search filters ({@code ?category=...}) are not honoured and such a scope grants nothing.
 */
public final class SmartScopes {

  private static final Pattern SCOPE =
      Pattern.compile("(patient|user|system)/(\\*|[A-Z][A-Za-z]+)\\.(read|write|\\*|c?r?u?d?s?)");

  /** One granted permission. */
  public record Permission(String context, String resourceType, boolean read, boolean search, boolean create,
      boolean update, boolean delete) {

    public boolean allTypes() {
      return "*".equals(resourceType);
    }
  }

  private SmartScopes() {}

  public static List<Permission> parse(Collection<String> scopes) {
    List<Permission> permissions = new ArrayList<>();
    for (String scope : scopes) {
      Matcher m = SCOPE.matcher(scope);
      if (!m.matches() || m.group(3).isEmpty()) {
        continue;
      }
      String actions = switch (m.group(3).toLowerCase(Locale.ROOT)) {
        case "read" -> "rs";
        case "write" -> "cud";
        case "*" -> "cruds";
        default -> m.group(3);
      };
      permissions.add(new Permission(m.group(1), m.group(2), actions.contains("r"), actions.contains("s"),
          actions.contains("c"), actions.contains("u"), actions.contains("d")));
    }
    return permissions;
  }
}
