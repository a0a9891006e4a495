package dev.spaceport.rules;

import dev.spaceport.api.Space;
import dev.spaceport.config.SpaceportConfig;

/** Where a Space is served: {@code <namespace>-<name>.<domain>} and its public URL. Pure. */
public final class SpaceHosts {

  /** A DNS label's limit; an Ingress refuses a longer one and no certificate covers it. */
  static final int MAX_LABEL = 63;

  private static final int HASH_CHARS = 8;

  private SpaceHosts() {}

  public static String host(Space space, SpaceportConfig config) {
    return label(space.getMetadata().getNamespace(), space.getMetadata().getName())
        + "."
        + config.domain();
  }

  public static String url(Space space, SpaceportConfig config) {
    String port = config.publicPort().map(p -> ":" + p).orElse("");
    return config.scheme() + "://" + host(space, config) + port + "/";
  }

  /**
   * One DNS label, as the Hub makes its subdomains: {@code <namespace>-<name>} with dots (allowed
   * in a Space's name) turned into dashes, so the wildcard certificate of the domain covers it.
   * Longer than 63 characters, it is cut and ends in a hash of namespace and name, which keeps it
   * unique and stable.
   */
  public static String label(String namespace, String name) {
    String label = (namespace + "-" + name).replace('.', '-');
    if (label.length() <= MAX_LABEL) {
      return label;
    }
    String prefix = label.substring(0, MAX_LABEL - HASH_CHARS - 1).replaceAll("-+$", "");
    return prefix + "-" + Hashes.sha256Hex(namespace + "/" + name, HASH_CHARS);
  }
}
