package dev.spaceport.operator;

import dev.spaceport.api.HardwareFlavorSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the nodes have free, as the scheduler would count it: allocatable minus the requests of the
 * pods bound to them. Used to choose a fallback flavor that fits, to see the requested one has room
 * again, and whether putting a Space to sleep frees enough. An estimate, not a second scheduler (no
 * affinity, no topology spread, no preemption): the scheduler stays the authority, and a choice it
 * refuses is undone by the same fallback rules. Pure.
 */
final class GpuCapacity {

  private final List<Node> nodes;
  private final Map<String, Map<String, BigDecimal>> used = new HashMap<>();

  GpuCapacity(Collection<Node> nodes, Collection<Pod> pods) {
    this.nodes = List.copyOf(nodes);
    for (Pod pod : pods) {
      if (holdsResources(pod)) {
        Map<String, BigDecimal> onNode =
            used.computeIfAbsent(pod.getSpec().getNodeName(), n -> new HashMap<>());
        requests(pod).forEach((r, q) -> onNode.merge(r, q, BigDecimal::add));
      }
    }
  }

  /** Bound to a node and not finished: what the scheduler counts against the node. */
  static boolean holdsResources(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return pod.getSpec().getNodeName() != null
        && !"Succeeded".equals(phase)
        && !"Failed".equals(phase);
  }

  /** Whether some node has room for a pod of this flavor now. */
  boolean fits(HardwareFlavorSpec flavor) {
    return nodes.stream().anyMatch(n -> fitsOn(n, flavor, null));
  }

  /** Whether a pod of this flavor would fit on the node {@code freed} runs on once it is gone. */
  boolean fitsWithout(HardwareFlavorSpec flavor, Pod freed) {
    return nodes.stream()
        .filter(n -> n.getMetadata().getName().equals(freed.getSpec().getNodeName()))
        .anyMatch(n -> fitsOn(n, flavor, freed));
  }

  private boolean fitsOn(Node node, HardwareFlavorSpec flavor, Pod freed) {
    if (Boolean.TRUE.equals(node.getSpec().getUnschedulable()) || !ready(node)) {
      return false;
    }
    Map<String, String> labels =
        Optional.ofNullable(node.getMetadata().getLabels()).orElse(Map.of());
    if (!GpuPlacement.nodeSelector(flavor).entrySet().stream()
        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
      return false;
    }
    List<Toleration> tolerations = GpuPlacement.tolerations(flavor);
    for (Taint taint : Optional.ofNullable(node.getSpec().getTaints()).orElse(List.of())) {
      if (!"PreferNoSchedule".equals(taint.getEffect())
          && tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
        return false;
      }
    }
    Map<String, Quantity> allocatable =
        Optional.ofNullable(node.getStatus().getAllocatable()).orElse(Map.of());
    Map<String, BigDecimal> usedHere =
        new HashMap<>(used.getOrDefault(node.getMetadata().getName(), Map.of()));
    if (freed != null && holdsResources(freed)) {
      requests(freed).forEach((r, q) -> usedHere.merge(r, q.negate(), BigDecimal::add));
    }
    for (var wanted : GpuPlacement.limits(flavor).entrySet()) {
      Quantity free = allocatable.get(wanted.getKey());
      if (free == null) {
        return false;
      }
      BigDecimal left =
          free.getNumericalAmount()
              .subtract(usedHere.getOrDefault(wanted.getKey(), BigDecimal.ZERO));
      if (left.compareTo(wanted.getValue().getNumericalAmount()) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean ready(Node node) {
    return node.getStatus() == null
        || node.getStatus().getConditions() == null
        || node.getStatus().getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .allMatch(c -> "True".equals(c.getStatus()));
  }

  private static boolean tolerates(Toleration t, Taint taint) {
    if (t.getEffect() != null
        && !t.getEffect().isEmpty()
        && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (t.getKey() == null || t.getKey().isEmpty()) {
      return "Exists".equals(t.getOperator());
    }
    if (!t.getKey().equals(taint.getKey())) {
      return false;
    }
    return "Exists".equals(t.getOperator()) || Objects.equals(t.getValue(), taint.getValue());
  }

  /** The pod's requests: its containers' sum, or an init container's if larger, per resource. */
  static Map<String, BigDecimal> requests(Pod pod) {
    Map<String, BigDecimal> sum = new HashMap<>();
    for (Container c : pod.getSpec().getContainers()) {
      requestsOf(c).forEach((r, q) -> sum.merge(r, q, BigDecimal::add));
    }
    for (Container c : Optional.ofNullable(pod.getSpec().getInitContainers()).orElse(List.of())) {
      requestsOf(c).forEach((r, q) -> sum.merge(r, q, BigDecimal::max));
    }
    return sum;
  }

  private static Map<String, BigDecimal> requestsOf(Container c) {
    Map<String, BigDecimal> out = new HashMap<>();
    if (c.getResources() == null) {
      return out;
    }
    // Extended resources such as GPUs may be given as limits only; the API server copies them.
    Optional.ofNullable(c.getResources().getLimits())
        .orElse(Map.of())
        .forEach((r, q) -> out.put(r, q.getNumericalAmount()));
    Optional.ofNullable(c.getResources().getRequests())
        .orElse(Map.of())
        .forEach((r, q) -> out.put(r, q.getNumericalAmount()));
    return out;
  }
}
