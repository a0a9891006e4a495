package dev.spaceport.testing;

/** The namespace a cluster test owns; {@link ClusterExtension} creates and deletes it. */
public record TestNamespace(String name) {
}
