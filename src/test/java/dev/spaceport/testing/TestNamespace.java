package dev.spaceport.testing;

/** The namespace a cluster test owns; {@link ClusterExtension} creates and deletes it. */
public record TestNamespace(String name) {

  /**
   * The name's random part (after its last dash), to make other names unique per test. A
   * fixed-length cut of the name once began with '-', which the CRD refuses in a domain.
   */
  public String suffix() {
    return name.substring(name.lastIndexOf('-') + 1);
  }
}
