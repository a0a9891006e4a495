package dev.spaceport.gateway;

import dev.spaceport.api.Space;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.Pods;
import dev.spaceport.rules.SpaceDefaults;
import dev.spaceport.rules.SpaceHosts;
import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.logging.Log;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The gateway's routing table, kept by informers: Host header → Space, and Space → the addresses of
 * its Ready pods. Listeners hear when a Space gets a Ready pod (that is how held requests are
 * released after a wake).
 */
public class SpaceDirectory {

  /** A Space by namespace and name. */
  public record SpaceKey(String namespace, String name) {
    static SpaceKey of(Space space) {
      return new SpaceKey(space.getMetadata().getNamespace(), space.getMetadata().getName());
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  private final SpaceportConfig config;
  private final Map<SpaceKey, Space> spaces = new ConcurrentHashMap<>();

  /** The routing table: host → the Space that serves it, decided from the claims below. */
  private final Map<String, SpaceKey> hosts = new ConcurrentHashMap<>();

  private final Map<String, TreeSet<HostClaim>> claimsByHost = new HashMap<>();
  private final Map<SpaceKey, List<HostClaim>> claimedBy = new HashMap<>();
  private final Map<SpaceKey, Map<String, String>> readyPodIps = new ConcurrentHashMap<>();
  private final List<Consumer<SpaceKey>> readyListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Space>> spaceListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<SpaceKey>> deletedListeners = new CopyOnWriteArrayList<>();
  private SharedIndexInformer<Space> spaceInformer;
  private SharedIndexInformer<Pod> podInformer;

  public SpaceDirectory(SpaceportConfig config) {
    this.config = config;
  }

  public void start(KubernetesClient client) {
    spaceInformer = client.resources(Space.class).inAnyNamespace().runnableInformer(0);
    spaceInformer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Space space) {
            put(space);
          }

          @Override
          public void onUpdate(Space old, Space space) {
            put(space);
          }

          @Override
          public void onDelete(Space space, boolean finalStateUnknown) {
            remove(space);
          }
        });
    podInformer =
        client
            .pods()
            .inAnyNamespace()
            .withLabel(SpaceLabels.MANAGED_BY, SpaceLabels.MANAGER)
            .runnableInformer(0);
    podInformer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            podChanged(pod, false);
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            podChanged(pod, false);
          }

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            podChanged(pod, true);
          }
        });
    // Keep listing and watching through apiserver hiccups (a CRD just installed answers 429 for a
    // moment).
    for (SharedIndexInformer<?> informer : List.of(spaceInformer, podInformer)) {
      informer.exceptionHandler((started, failure) -> true);
      informer.start();
    }
  }

  /** Whether both informers have listed once: before that, every known host would be a 404. */
  public boolean synced() {
    return spaceInformer != null
        && podInformer != null
        && spaceInformer.hasSynced()
        && podInformer.hasSynced();
  }

  public void stop() {
    if (spaceInformer != null) {
      spaceInformer.close();
    }
    if (podInformer != null) {
      podInformer.close();
    }
  }

  public void onReadyPod(Consumer<SpaceKey> listener) {
    readyListeners.add(listener);
  }

  /** Hears that a Space was deleted. */
  public void onSpaceDeleted(Consumer<SpaceKey> listener) {
    deletedListeners.add(listener);
  }

  /** Hears every new version of a Space (its status included). */
  public void onSpaceChanged(Consumer<Space> listener) {
    spaceListeners.add(listener);
  }

  /** The Space a Host header names: its own host or one of its domains (any port, any case). */
  public Optional<SpaceKey> route(String hostHeader) {
    if (hostHeader == null) {
      return Optional.empty();
    }
    String host = hostHeader.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon > 0 && !host.endsWith("]")) {
      host = host.substring(0, colon);
    }
    return Optional.ofNullable(hosts.get(host));
  }

  public Optional<Space> space(SpaceKey key) {
    return Optional.ofNullable(spaces.get(key));
  }

  /** A Ready pod's address on the Space's app port. */
  public Optional<SocketAddress> readyPod(SpaceKey key) {
    Space space = spaces.get(key);
    Map<String, String> pods = readyPodIps.get(key);
    if (space == null || pods == null || pods.isEmpty()) {
      return Optional.empty();
    }
    String ip = pods.values().iterator().next();
    return Optional.of(SocketAddress.inetSocketAddress(SpaceDefaults.appPort(space.getSpec()), ip));
  }

  void put(Space space) {
    SpaceKey key = SpaceKey.of(space);
    spaces.put(key, space);
    String created = Optional.ofNullable(space.getMetadata().getCreationTimestamp()).orElse("");
    List<HostClaim> claims =
        new ArrayList<>(List.of(new HostClaim(SpaceHosts.host(space, config), 0, created, key)));
    Optional.ofNullable(space.getSpec().getDomains())
        .ifPresent(
            domains ->
                domains.forEach(
                    d -> claims.add(new HostClaim(d.toLowerCase(Locale.ROOT), 1, created, key))));
    reclaim(key, claims);
    spaceListeners.forEach(listener -> listener.accept(space));
  }

  void remove(Space space) {
    SpaceKey key = SpaceKey.of(space);
    spaces.remove(key);
    reclaim(key, List.of());
    deletedListeners.forEach(listener -> listener.accept(key));
  }

  /**
   * A host two Spaces claim goes to one of them, whatever order the informer tells them in: a
   * Space's own {@code <namespace>-<name>} host before anyone's custom domain (a team cannot take
   * another's host by listing it in spec.domains), then the older Space, then namespace/name.
   */
  private record HostClaim(String host, int rank, String created, SpaceKey key)
      implements Comparable<HostClaim> {
    @Override
    public int compareTo(HostClaim other) {
      int byRank = Integer.compare(rank, other.rank);
      int byAge = created.compareTo(other.created); // RFC 3339 in UTC: sorts as text
      return byRank != 0
          ? byRank
          : byAge != 0 ? byAge : key.toString().compareTo(other.key.toString());
    }
  }

  /**
   * Replaces a Space's claims and re-decides every host they touch. Informer events arrive one at a
   * time.
   */
  private synchronized void reclaim(SpaceKey key, List<HostClaim> newClaims) {
    List<HostClaim> oldClaims = Optional.ofNullable(claimedBy.remove(key)).orElse(List.of());
    if (!newClaims.isEmpty()) {
      claimedBy.put(key, newClaims);
    }
    Set<String> touched = new HashSet<>();
    for (HostClaim claim : oldClaims) {
      claimsByHost.get(claim.host()).remove(claim);
      touched.add(claim.host());
    }
    for (HostClaim claim : newClaims) {
      claimsByHost.computeIfAbsent(claim.host(), h -> new TreeSet<>()).add(claim);
      touched.add(claim.host());
    }
    for (String host : touched) {
      TreeSet<HostClaim> claims = claimsByHost.get(host);
      if (claims == null || claims.isEmpty()) {
        claimsByHost.remove(host);
        hosts.remove(host);
      } else {
        hosts.put(host, claims.first().key());
        if (claims.size() > 1) {
          Log.warnf(
              "host %s is claimed by %s; %s serves it",
              host, claims.stream().map(c -> c.key().toString()).toList(), claims.first().key());
        }
      }
    }
  }

  private void podChanged(Pod pod, boolean deleted) {
    String spaceName = pod.getMetadata().getLabels().get(SpaceLabels.SPACE);
    if (spaceName == null) {
      return;
    }
    SpaceKey key = new SpaceKey(pod.getMetadata().getNamespace(), spaceName);
    String podName = pod.getMetadata().getName();
    boolean ready = !deleted && Pods.serving(pod) && pod.getStatus().getPodIP() != null;
    Map<String, String> pods = readyPodIps.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
    if (ready) {
      boolean wasEmpty = pods.isEmpty();
      pods.put(podName, pod.getStatus().getPodIP());
      if (wasEmpty) {
        readyListeners.forEach(listener -> listener.accept(key));
      }
    } else {
      pods.remove(podName);
    }
  }
}
