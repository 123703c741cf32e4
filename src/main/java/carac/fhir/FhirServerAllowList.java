package carac.fhir;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where a caller's access token may be sent: only to a FHIR base written in configuration (or added by
 * the sandbox from its configured public URL), never to one derived from the request. A URL is allowed
 * when scheme, host and port equal an entry's and its path is the entry's path or below it (a whole
 * segment: {@code /fhir} does not allow {@code /fhir-evil}). Then its host must not resolve to a
 * loopback, link-local, private, unique-local, CGNAT, multicast or unspecified address, unless the entry
 * itself names that host as an IP literal or {@code localhost} (the operator said so) or the address is
 * in a configured network. Odd IP spellings ({@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1},
 * {@code 127.1}) are refused outright: parsers disagree on them. Thread-safe.
 */
public final class FhirServerAllowList {

  private static final Pattern CANONICAL_V4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  // anything that some parser could read as an IPv4 number: digits, dots, hex and octal forms
  private static final Pattern NUMERIC_HOST = Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]*))*\\.?");

  private final List<Entry> entries = new CopyOnWriteArrayList<>();
  private final List<Network> allowedNetworks;
  private final Function<String, InetAddress[]> resolver;

  /**
   * @param bases allowed FHIR base URLs, e.g. {@code https://ehr.example.org/fhir/r4}
   * @param allowedNetworks CIDR blocks a non-literal host may resolve into although private, e.g.
   *     {@code 10.20.0.0/16} for an EHR on the hospital network
   */
  public FhirServerAllowList(List<String> bases, List<String> allowedNetworks) {
    this(bases, allowedNetworks, FhirServerAllowList::resolve);
  }

  FhirServerAllowList(List<String> bases, List<String> allowedNetworks, Function<String, InetAddress[]> resolver) {
    this.resolver = resolver;
    List<Network> networks = new ArrayList<>();
    allowedNetworks.forEach(n -> networks.add(Network.parse(n)));
    this.allowedNetworks = List.copyOf(networks);
    bases.forEach(this::add);
  }

  /** Adds a base at run time: the sandbox's own FHIR base, from its configured public URL. */
  public void add(String base) {
    Target t;
    try {
      t = Target.parse(base);
    } catch (Refused e) {
      throw new IllegalArgumentException("not a usable FHIR base URL in the allow-list: " + base + " (" + e.getMessage() + ")");
    }
    entries.add(new Entry(t, isIpLiteral(t.host()) || "localhost".equals(t.host())));
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The entries as written, for start-up logs. */
  public List<String> bases() {
    return entries.stream().map(e -> e.target().toString()).toList();
  }

  /** @throws Refused with a plain reason (never the URL, which may name a patient) */
  public void check(String url) {
    Target t = Target.parse(url);
    Entry match = entries.stream().filter(e -> e.covers(t)).findFirst()
        .orElseThrow(() -> new Refused("the FHIR server is not on this service's allow-list"));
    if (match.explicitAddress()) {
      return;
    }
    for (InetAddress address : resolver.apply(t.host())) {
      if (blocked(address) && allowedNetworks.stream().noneMatch(n -> n.contains(address))) {
        throw new Refused("the FHIR server's host resolves to a loopback, link-local or private address");
      }
    }
  }

  public boolean allows(String url) {
    try {
      check(url);
      return true;
    } catch (Refused e) {
      return false;
    }
  }

  /** 100.64.0.0/10 (carrier-grade NAT, RFC 6598) and 240.0.0.0/4 (reserved), which InetAddress does not flag. */
  private static final int CGNAT_FIRST = 0x64;
  private static final int CGNAT_SECOND = 0x40;
  private static final int CGNAT_MASK = 0xc0;
  private static final int RESERVED_FIRST = 0xf0;

  static boolean blocked(InetAddress a) {
    if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (b.length == 4) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first == 0 || (first == CGNAT_FIRST && (second & CGNAT_MASK) == CGNAT_SECOND) || first >= RESERVED_FIRST;
    }
    return (b[0] & 0xfe) == 0xfc; // fc00::/7 unique local
  }

  private static InetAddress[] resolve(String host) {
    try {
      return InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new Refused("the FHIR server's host name does not resolve");
    }
  }

  static boolean isIpLiteral(String host) {
    return host.startsWith("[") || CANONICAL_V4.matcher(host).matches();
  }

  /** A refused URL; the message is safe to show (no URL in it). */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  private record Entry(Target target, boolean explicitAddress) {
    boolean covers(Target t) {
      return target.scheme().equals(t.scheme()) && target.host().equals(t.host()) && target.port() == t.port()
          && (target.path().isEmpty() || t.path().equals(target.path()) || t.path().startsWith(target.path() + "/"));
    }
  }

  /** A URL cut into the parts compared; refuses what could be read two ways. */
  private record Target(String scheme, String host, int port, String path) {
    static Target parse(String url) {
      if (url == null || url.isBlank() || url.chars().anyMatch(c -> c <= 0x20 || c == 0x7f || c == '\\')) {
        throw new Refused("the FHIR server URL is empty or has spaces, control characters or backslashes");
      }
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new Refused("the FHIR server URL is not a URL");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || uri.getRawAuthority() == null) {
        throw new Refused("the FHIR server must be an absolute http(s) URL");
      }
      if (uri.getRawUserInfo() != null || uri.getRawAuthority().contains("@")) {
        throw new Refused("the FHIR server URL must not carry user information");
      }
      String host = uri.getHost();
      if (host == null) {
        throw new Refused("the FHIR server URL has no usable host");
      }
      host = host.toLowerCase(Locale.ROOT);
      if (host.endsWith(".")) {
        host = host.substring(0, host.length() - 1);
      }
      if (!host.startsWith("[") && NUMERIC_HOST.matcher(host).matches() && !CANONICAL_V4.matcher(host).matches()) {
        throw new Refused("the FHIR server's host is an IP address in an unusual form");
      }
      if (!host.startsWith("[") && !IDN.toASCII(host).equals(host)) {
        throw new Refused("the FHIR server's host must be written in ASCII");
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      String lower = path.toLowerCase(Locale.ROOT);
      if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("//")
          || ("/" + path + "/").contains("/./") || ("/" + path + "/").contains("/../")) {
        throw new Refused("the FHIR server URL has dot segments or encoded separators");
      }
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
      return new Target(scheme, host, port, path);
    }

    @Override
    public String toString() {
      return scheme + "://" + host + ":" + port + path;
    }
  }

  /** An IPv4 or IPv6 CIDR block. */
  private record Network(byte[] prefix, int bits) {
    static Network parse(String cidr) {
      String[] parts = cidr.strip().split("/");
      try {
        InetAddress a = InetAddress.getByName(parts[0]);
        int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : a.getAddress().length * 8;
        if (!isIpLiteral(parts[0].contains(":") ? "[" : parts[0]) || bits < 0 || bits > a.getAddress().length * 8) {
          throw new IllegalArgumentException();
        }
        return new Network(a.getAddress(), bits);
      } catch (UnknownHostException | RuntimeException e) {
        throw new IllegalArgumentException("not a CIDR network (e.g. 10.20.0.0/16): " + cidr);
      }
    }

    boolean contains(InetAddress address) {
      byte[] b = address.getAddress();
      if (b.length != prefix.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((b[i / 8] & mask) != (prefix[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
