package dev.spaceport.operator;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.HardwareFlavorSpec;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.api.YieldRequest;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.Pods;
import dev.spaceport.rules.SpaceConditions;
import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One reconcile's view of the cluster's GPUs (docs/hardware-flavors.md): the nodes' free capacity,
 * the Spaces holding GPUs and those waiting for one. Reads the operator's informers' caches; built
 * lazily, since most reconciles need none of it. Its one write is a yield request on another Space.
 */
final class ScarceGpus {

  /** Writes status.yieldRequest, the only field of another Space the operator touches. */
  static final String MAKING_ROOM_MANAGER = "spaceport-making-room";

  /** Spaces waiting for a GPU, or on a fallback, look at the cluster again this often. */
  static final Duration RECHECK = Duration.ofSeconds(20);

  private final Context<Space> context;
  private final SpaceportConfig config;
  private final FlavorCatalog catalog;
  private final Instant now;
  private GpuCapacity capacity;

  ScarceGpus(Context<Space> context, SpaceportConfig config, FlavorCatalog catalog, Instant now) {
    this.context = context;
    this.config = config;
    this.catalog = catalog;
    this.now = now;
  }

  GpuCapacity capacity() {
    if (capacity == null) {
      var nodes =
          (InformerEventSource<Node, Space>)
              context.eventSourceRetriever().getEventSourceFor(Node.class);
      capacity = new GpuCapacity(nodes.list().toList(), clusterPods());
    }
    return capacity;
  }

  /** A visitor connection counts as open while the gateway refreshes it (3 of its flushes). */
  Duration connectionWindow() {
    return config.gateway().activityFlushInterval().multipliedBy(3);
  }

  /**
   * The Space's place in the queue for a GPU of its flavor's product, when its pod waits and no
   * node has room; with making room on, asks the best idle holder to sleep (once at a time).
   */
  Optional<SpaceStatusCalculator.GpuWait> waitForGpu(
      Space space, HardwareFlavor flavor, Pod waiting) {
    HardwareFlavorSpec hw = flavor.getSpec();
    if (hw.getGpu() == null || capacity().fits(hw)) {
      return Optional.empty();
    }
    String product = productOf(hw);
    int priority = priority(waiting);
    List<RoomMaking.Waiter> waiters = new ArrayList<>();
    List<RoomMaking.Holder> holders = new ArrayList<>();
    Map<String, List<Pod>> podsBySpace = spacePods();
    Map<String, Boolean> namespaceOptOut = new HashMap<>();
    boolean askedAlready = false;
    boolean makingRoom = config.gpus().makingRoom().enabled();
    String me = key(space);
    for (Space other : context.getPrimaryCache().list().toList()) {
      List<Pod> pods = podsBySpace.getOrDefault(key(other), List.of());
      // Waiting for the same product: in the queue, by its pending pod.
      for (Pod pod : pods) {
        if (pod.getSpec().getNodeName() == null
            && pod.getMetadata().getDeletionTimestamp() == null
            && usesProduct(pod, product)) {
          waiters.add(
              new RoomMaking.Waiter(
                  other.getMetadata().getNamespace(),
                  other.getMetadata().getName(),
                  priority(pod),
                  Instant.parse(pod.getMetadata().getCreationTimestamp())));
          break;
        }
      }
      if (!makingRoom || key(other).equals(me)) {
        continue;
      }
      Instant servingSince = PodHealth.servingSince(pods);
      boolean idle =
          RoomMaking.idleEnough(
              other.getStatus(),
              servingSince,
              now,
              config.gpus().makingRoom().minIdle(),
              connectionWindow());
      // Asked already, and it sleeps or still may: wait for its GPU rather than ask another. One
      // visited since it was asked declines, and another is asked.
      YieldRequest request = other.getStatus() == null ? null : other.getStatus().getYieldRequest();
      if (request != null
          && me.equals(request.getForSpace())
          && Instant.parse(request.getAt()).plus(RoomMaking.REQUEST_LIFETIME).isAfter(now)
          && (idle || me.equals(other.getStatus().getYieldedTo()))) {
        askedAlready = true;
      }
      for (Pod pod : pods) {
        if (Pods.serving(pod) && GpuCapacity.holdsResources(pod) && usesProduct(pod, product)) {
          boolean optedOut =
              "false".equals(label(other, RoomMaking.YIELD_LABEL))
                  || namespaceOptOut.computeIfAbsent(
                      other.getMetadata().getNamespace(), this::namespaceOptedOut);
          holders.add(
              new RoomMaking.Holder(
                  other,
                  priority(pod),
                  optedOut,
                  idle,
                  RoomMaking.lastVisit(
                      Optional.ofNullable(other.getStatus()).orElseGet(SpaceStatus::new),
                      servingSince),
                  capacity().fitsWithout(hw, pod)));
          break;
        }
      }
    }
    int position =
        RoomMaking.position(
            waiters, space.getMetadata().getNamespace(), space.getMetadata().getName());
    if (makingRoom && !askedAlready) {
      RoomMaking.choose(holders, priority).ifPresent(h -> askToYield(h.space(), space));
    }
    return Optional.of(new SpaceStatusCalculator.GpuWait(product, position));
  }

  private void askToYield(Space holder, Space waiting) {
    String patch =
        context
            .getClient()
            .getKubernetesSerialization()
            .asJson(
                Map.of(
                    "status",
                    Map.of("yieldRequest", new YieldRequest(now.toString(), key(waiting)))));
    try {
      context
          .getClient()
          .resources(Space.class)
          .inNamespace(holder.getMetadata().getNamespace())
          .withName(holder.getMetadata().getName())
          .subresource("status")
          .patch(
              new PatchContext.Builder()
                  .withPatchType(PatchType.JSON_MERGE)
                  .withFieldManager(MAKING_ROOM_MANAGER)
                  .build(),
              patch);
      Log.infof("making room: asked %s to sleep for %s", key(holder), key(waiting));
    } catch (KubernetesClientException e) {
      Log.warnf("making room: could not ask %s to sleep: %s", key(holder), e.getMessage());
    }
  }

  private boolean namespaceOptedOut(String namespace) {
    try {
      Namespace ns = context.getClient().namespaces().withName(namespace).get();
      return ns != null
          && ns.getMetadata().getLabels() != null
          && "false".equals(ns.getMetadata().getLabels().get(RoomMaking.YIELD_LABEL));
    } catch (KubernetesClientException e) {
      // Unknown is treated as opted out: making room must never take a GPU it may not.
      return true;
    }
  }

  /** A pod that selects, or whose flavor has, this GPU product (or resource, without one). */
  private boolean usesProduct(Pod pod, String product) {
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    String flavor = Pods.label(pod, SpaceLabels.HARDWARE);
    return (selector != null && product.equals(selector.get(GpuPlacement.GPU_PRODUCT_LABEL)))
        || catalog
            .named(flavor == null ? "" : flavor)
            .map(f -> f.getSpec().getGpu() != null && product.equals(productOf(f.getSpec())))
            .orElse(false);
  }

  /** The product label a flavor selects, or its resource name when it selects none. */
  static String productOf(HardwareFlavorSpec hw) {
    return hw.getGpu().getProduct() != null
        ? hw.getGpu().getProduct()
        : GpuPlacement.gpuResource(hw);
  }

  private List<Pod> clusterPods() {
    var pods =
        (InformerEventSource<Pod, Space>)
            context
                .eventSourceRetriever()
                .getEventSourceFor(Pod.class, SpaceReconciler.CLUSTER_PODS);
    return pods.list().toList();
  }

  private Map<String, List<Pod>> spacePods() {
    var pods =
        (InformerEventSource<Pod, Space>)
            context.eventSourceRetriever().getEventSourceFor(Pod.class, SpaceReconciler.SPACE_PODS);
    return pods.list()
        .filter(p -> Pods.label(p, SpaceLabels.SPACE) != null)
        .collect(
            Collectors.groupingBy(
                p -> p.getMetadata().getNamespace() + "/" + Pods.label(p, SpaceLabels.SPACE)));
  }

  static int priority(Pod pod) {
    return pod.getSpec().getPriority() == null ? 0 : pod.getSpec().getPriority();
  }

  private static String label(Space space, String key) {
    return space.getMetadata().getLabels() == null
        ? null
        : space.getMetadata().getLabels().get(key);
  }

  static String key(Space space) {
    return space.getMetadata().getNamespace() + "/" + space.getMetadata().getName();
  }

  /** Whether a Space waits for hardware or runs on a fallback: it cares about freed capacity. */
  static boolean interested(Space space) {
    SpaceStatus status = space.getStatus();
    return status != null
        && (SpaceConditions.INSUFFICIENT_CAPACITY.equals(SpaceConditions.readyReason(status))
            || SpaceConditions.find(status, SpaceConditions.HARDWARE_FALLBACK)
                .filter(c -> "True".equals(c.getStatus()))
                .isPresent());
  }

  static Function<String, Optional<HardwareFlavorSpec>> specs(FlavorCatalog catalog) {
    return name -> catalog.named(name).map(HardwareFlavor::getSpec);
  }
}
