package dev.spaceport.operator;

import dev.spaceport.rules.Pods;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a Space's pod says of its app, as a kubelet reports it: started, failing, serving since. */
final class PodHealth {

  /**
   * Container waiting reasons a kubelet reports when the app cannot start; each is a RUNTIME_ERROR.
   */
  private static final Set<String> FAILED_WAITING =
      Set.of(
          "CrashLoopBackOff",
          "ImagePullBackOff",
          "ErrImagePull",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError");

  private PodHealth() {}

  /** Why the current pod cannot run, in a Ready condition's words. */
  record Failure(String reason, String message) {}

  /** Whether the kubelet has seen the app start (its startup probe passed) in every container. */
  static boolean hasStarted(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getContainerStatuses() != null
        && !pod.getStatus().getContainerStatuses().isEmpty()
        && pod.getStatus().getContainerStatuses().stream()
            .allMatch(cs -> Boolean.TRUE.equals(cs.getStarted()));
  }

  /**
   * Whether the pod's app passed its readiness probe and has failed it since, more often than the
   * probe's failure threshold (the kubelet turns Ready False only then): its Ready condition turned
   * False after the running container started. A kubelet also reports a started app as not ready
   * until its first readiness probe passes, on every start and rolling update: that is starting.
   */
  static boolean lostReadiness(Pod pod) {
    Optional<Instant> notReadySince =
        condition(pod, "Ready")
            .filter(c -> "False".equals(c.getStatus()) && c.getLastTransitionTime() != null)
            .map(c -> Instant.parse(c.getLastTransitionTime()));
    if (notReadySince.isEmpty() || pod.getStatus().getContainerStatuses() == null) {
      return false;
    }
    List<Instant> started =
        pod.getStatus().getContainerStatuses().stream()
            .map(cs -> cs.getState() == null ? null : cs.getState().getRunning())
            .map(running -> running == null ? null : running.getStartedAt())
            .map(at -> at == null ? null : Instant.parse(at))
            .toList();
    return !started.isEmpty()
        && started.stream().allMatch(at -> at != null && notReadySince.get().isAfter(at));
  }

  /** When the pod's app last started (its newest container start), if it runs. */
  static Optional<Instant> lastStart(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .map(cs -> cs.getState() == null ? null : cs.getState().getRunning())
        .filter(running -> running != null && running.getStartedAt() != null)
        .map(running -> Instant.parse(running.getStartedAt()))
        .max(Instant::compareTo);
  }

  /** The current pod cannot run: crash loop, image pull error, bad config. */
  static Optional<Failure> failure(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
      var waiting = cs.getState() == null ? null : cs.getState().getWaiting();
      if (waiting == null || !FAILED_WAITING.contains(waiting.getReason())) {
        continue;
      }
      var terminated = cs.getLastState() == null ? null : cs.getLastState().getTerminated();
      if (terminated != null) {
        String why =
            "OOMKilled".equals(terminated.getReason())
                ? "OOMKilled"
                : "Exit code " + terminated.getExitCode();
        String last = terminated.getMessage() == null ? "" : ": " + terminated.getMessage().strip();
        return Optional.of(
            new Failure(
                "OOMKilled".equals(terminated.getReason()) ? "OOMKilled" : waiting.getReason(),
                "The app failed to start ("
                    + why
                    + ", restarted "
                    + cs.getRestartCount()
                    + " times)"
                    + last));
      }
      return Optional.of(
          new Failure(
              waiting.getReason(),
              waiting.getReason()
                  + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage())));
    }
    return Optional.empty();
  }

  /** When the first of the Space's serving pods became Ready; null when none serves. */
  public static Instant servingSince(List<Pod> pods) {
    return pods.stream()
        .filter(Pods::serving)
        .flatMap(p -> condition(p, "Ready").stream())
        .map(c -> Instant.parse(c.getLastTransitionTime()))
        .min(Instant::compareTo)
        .orElse(null);
  }

  static Optional<PodCondition> condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }
}
