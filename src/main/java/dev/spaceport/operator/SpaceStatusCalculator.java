package dev.spaceport.operator;

import static dev.spaceport.rules.SpaceConditions.AVAILABLE;
import static dev.spaceport.rules.SpaceConditions.HARDWARE_FALLBACK;
import static dev.spaceport.rules.SpaceConditions.READY;
import static dev.spaceport.rules.SpaceConditions.RECONCILING;
import static dev.spaceport.rules.SpaceConditions.SCHEDULED;
import static dev.spaceport.rules.SpaceConditions.SLEEPING;
import static dev.spaceport.rules.SpaceConditions.STALLED;

import dev.spaceport.api.HardwareStatus;
import dev.spaceport.api.LastWake;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.api.SpaceUsage;
import dev.spaceport.rules.Durations;
import dev.spaceport.rules.Pods;
import dev.spaceport.rules.SpaceConditions;
import dev.spaceport.rules.SpaceDefaults;
import dev.spaceport.rules.SpaceLabels;
import dev.spaceport.rules.Stage;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns what was observed of a Space into its status: one pure function (the clock is an input), so
 * every stage and condition is unit-tested without a cluster.
 */
public final class SpaceStatusCalculator {

  /**
   * @param invalid why the spec cannot be run as it is (FlavorNotFound, SecretNotFound); empty when
   *     it can
   * @param requestedHardware the flavor asked for (or the default's name)
   * @param deployment the Space's Deployment as observed, or null
   * @param pods the Space's pods as observed
   * @param sleep whether the Space sleeps now ({@link SleepPolicy})
   * @param fallbackReason why the Space runs on a fallback flavor, and which (null when it runs on
   *     the requested one)
   * @param gpuWait the GPU product its pod waits for and its place in the queue (null when none)
   * @param usage status.usage as counted now
   */
  public record Observation(
      Space space,
      Optional<SpaceValidation.Invalid> invalid,
      String requestedHardware,
      Deployment deployment,
      List<Pod> pods,
      String host,
      String url,
      Duration startupTimeout,
      SleepPolicy.Decision sleep,
      Instant now,
      String fallbackReason,
      GpuWait gpuWait,
      SpaceUsage usage) {}

  /** A pod waiting for a GPU of a product that has none free, and its place in the queue. */
  public record GpuWait(String product, int position) {}

  /** The status, and when to look again if nothing else happens first (a startup deadline). */
  public record Result(SpaceStatus status, Optional<Duration> recheckAfter) {}

  private SpaceStatusCalculator() {}

  public static Result compute(Observation o) {
    Space space = o.space();
    long generation = Optional.ofNullable(space.getMetadata().getGeneration()).orElse(0L);
    SpaceStatus previous = Optional.ofNullable(space.getStatus()).orElseGet(SpaceStatus::new);

    List<Pod> live =
        o.pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    List<Pod> serving = live.stream().filter(Pods::serving).toList();
    String currentHash = templateHash(o.deployment());
    Pod current =
        live.stream()
            .filter(
                p ->
                    currentHash != null
                        && currentHash.equals(Pods.annotation(p, SpaceLabels.TEMPLATE_HASH)))
            .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
            .orElse(null);
    boolean paused = SpaceDefaults.paused(space);

    Stage stage;
    String reason;
    String message;
    Duration recheck = null;
    if (o.invalid().isPresent()) {
      stage = Stage.CONFIG_ERROR;
      reason = o.invalid().get().reason();
      message =
          o.invalid().get().message()
              + (serving.isEmpty() ? "" : "; the running pod keeps serving the last valid spec");
    } else if (paused) {
      stage = Stage.PAUSED;
      reason = "Paused";
      message = "Paused by its owner; visitors do not wake it";
    } else if (o.sleep().asleep()) {
      stage = Stage.SLEEPING;
      reason = "Sleeping";
      message =
          o.sleep().yieldedTo() != null
              ? "Asleep since "
                  + o.sleep().sleepingSince()
                  + " to make room: its GPU went to "
                  + o.sleep().yieldedTo()
                  + ", which waited for one; the next visitor wakes it"
              : "Asleep since "
                  + o.sleep().sleepingSince()
                  + " for want of visitors; the next visitor wakes it";
    } else if (current != null && Pods.serving(current)) {
      stage = Stage.RUNNING;
      reason = "Running";
      message = "Running";
    } else {
      Optional<PodHealth.Failure> failure =
          Optional.ofNullable(current).flatMap(PodHealth::failure);
      Optional<PodCondition> unschedulable =
          Optional.ofNullable(current)
              .flatMap(p -> PodHealth.condition(p, "PodScheduled"))
              .filter(c -> "False".equals(c.getStatus()));
      Optional<Instant> scheduledAt =
          Optional.ofNullable(current)
              .flatMap(p -> PodHealth.condition(p, "PodScheduled"))
              .filter(c -> "True".equals(c.getStatus()))
              .map(c -> Instant.parse(c.getLastTransitionTime()));
      // The startup budget covers the way to Ready, from scheduling or from the app's last start
      // (a container restart starts it anew); a pod whose app answered its readiness probe and now
      // fails it is unhealthy, not slow to start.
      boolean unhealthy =
          current != null && PodHealth.hasStarted(current) && PodHealth.lostReadiness(current);
      Optional<Instant> startedAt = Optional.ofNullable(current).flatMap(PodHealth::lastStart);
      Instant deadline =
          unhealthy
              ? null
              : scheduledAt
                  .map(t -> startedAt.filter(t::isBefore).orElse(t))
                  .map(t -> t.plus(o.startupTimeout()))
                  .orElse(null);
      if (failure.isPresent()) {
        stage = Stage.RUNTIME_ERROR;
        reason = failure.get().reason();
        message = failure.get().message();
      } else if (unhealthy && serving.isEmpty()) {
        stage = Stage.RUNTIME_ERROR;
        reason = "Unhealthy";
        message = "The app started but no longer answers its readiness probe";
      } else if (deadline != null && !o.now().isBefore(deadline)) {
        stage = Stage.RUNTIME_ERROR;
        reason = "StartupTimeout";
        message =
            "The app was not healthy within "
                + Durations.format(o.startupTimeout())
                + " of being scheduled or started (spec.startupTimeout)";
      } else {
        // Waiting for capacity is not starting: the startup timeout counts from scheduling only.
        stage = serving.isEmpty() ? Stage.APP_STARTING : Stage.RUNNING_APP_STARTING;
        if (unschedulable.isPresent()) {
          reason = SpaceConditions.INSUFFICIENT_CAPACITY;
          message =
              o.gpuWait() == null
                  ? "Waiting for hardware: " + unschedulable.get().getMessage()
                  : "Waiting for a GPU ("
                      + o.gpuWait().product()
                      + "), place "
                      + o.gpuWait().position()
                      + " in the queue: "
                      + unschedulable.get().getMessage();
        } else {
          reason = stage == Stage.APP_STARTING ? "Starting" : "RollingOut";
          message =
              stage == Stage.APP_STARTING
                  ? "The app is starting"
                  : "A new version is starting; the previous one keeps serving";
        }
        if (deadline != null) {
          recheck = Duration.between(o.now(), deadline);
        }
      }
    }
    if (o.sleep().sleepAfter().isPresent()
        && (recheck == null || o.sleep().sleepAfter().get().compareTo(recheck) < 0)) {
      recheck = o.sleep().sleepAfter().get();
    }

    SpaceStatus status = new SpaceStatus();
    status.setObservedGeneration(generation);
    status.setStage(stage.name());
    status.setMessage(message);
    status.setHost(o.host());
    status.setUrl(o.url());
    HardwareStatus hardware =
        new HardwareStatus(
            o.requestedHardware(),
            serving.stream()
                .filter(p -> p == current)
                .findFirst()
                .or(() -> serving.stream().findFirst())
                .map(p -> Pods.label(p, SpaceLabels.HARDWARE))
                .orElse(null));
    if (o.gpuWait() != null && reason.equals(SpaceConditions.INSUFFICIENT_CAPACITY)) {
      hardware.setWaitingFor(o.gpuWait().product());
      hardware.setQueuePosition(o.gpuWait().position());
    }
    status.setHardware(hardware);
    status.setYieldedTo(o.sleep().yieldedTo());
    status.setUsage(o.usage());
    // lastActivityTime and wakeRequestedAt belong to the gateway's field manager: never written
    // here.
    status.setSleepingSince(o.sleep().sleepingSince());
    status.setLastWake(lastWake(previous, o.sleep(), stage, o.now()));

    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(READY, stage.isSettled() ? "True" : "False", reason, message));
    conditions.add(scheduled(current, paused, o.sleep().asleep()));
    conditions.add(
        serving.isEmpty()
            ? condition(AVAILABLE, "False", "NoReadyPod", "No pod of the Space is ready to serve")
            : condition(
                AVAILABLE,
                "True",
                "PodReady",
                "Pod " + serving.get(0).getMetadata().getName() + " serves"));
    conditions.add(
        !o.sleep().asleep()
            ? condition(SLEEPING, "False", "Awake", "The Space is awake")
            : o.sleep().yieldedTo() != null
                ? condition(
                    SLEEPING,
                    "True",
                    SpaceConditions.YIELDED_GPU,
                    "Put to sleep to make room: its GPU went to "
                        + o.sleep().yieldedTo()
                        + ", which waited for one; its pod and hardware are released")
                : condition(
                    SLEEPING,
                    "True",
                    "Idle",
                    "No visitor for the Space's sleep time; its pod and hardware are released"));
    conditions.add(
        o.fallbackReason() == null
            ? condition(
                HARDWARE_FALLBACK,
                "False",
                "RequestedHardware",
                "The Space runs on the flavor it asks for")
            : condition(
                HARDWARE_FALLBACK, "True", "RequestedHardwareUnavailable", o.fallbackReason()));
    boolean starting = stage == Stage.APP_STARTING || stage == Stage.RUNNING_APP_STARTING;
    conditions.add(
        starting
            ? condition(RECONCILING, "True", reason, message)
            : condition(RECONCILING, "False", stage.reason(), "Not starting or rolling out"));
    conditions.add(
        stage.isError()
            ? condition(STALLED, "True", reason, message)
            : condition(STALLED, "False", stage.reason(), "No error"));
    status.setConditions(
        keepTransitionTimes(conditions, previous.getConditions(), generation, o.now()));
    return new Result(status, Optional.ofNullable(recheck));
  }

  /**
   * The status of a Space whose objects the API server refused (a quota, say): Ready and kstatus's
   * pair say Stalled (it needs a person), not Reconciling; the rest stays as last observed. A
   * repeated failure keeps its conditions' transition times.
   */
  public static SpaceStatus applyFailed(Space space, String why, Instant now) {
    long generation = Optional.ofNullable(space.getMetadata().getGeneration()).orElse(0L);
    SpaceStatus previous = Optional.ofNullable(space.getStatus()).orElseGet(SpaceStatus::new);
    String message =
        "Could not apply the Space's objects (retrying): "
            + (why.length() > 500 ? why.substring(0, 500) + "…" : why);
    List<Condition> failed =
        keepTransitionTimes(
            List.of(
                condition(READY, "False", "ApplyFailed", message),
                condition(RECONCILING, "False", "ApplyFailed", message),
                condition(STALLED, "True", "ApplyFailed", message)),
            previous.getConditions(),
            generation,
            now);
    List<Condition> conditions =
        new ArrayList<>(Optional.ofNullable(previous.getConditions()).orElse(List.of()));
    conditions.removeIf(c -> failed.stream().anyMatch(f -> f.getType().equals(c.getType())));
    conditions.addAll(failed);

    SpaceStatus status = new SpaceStatus();
    status.setObservedGeneration(previous.getObservedGeneration());
    status.setStage(previous.getStage() == null ? Stage.APP_STARTING.name() : previous.getStage());
    status.setMessage(message);
    status.setHost(previous.getHost());
    status.setUrl(previous.getUrl());
    status.setHardware(previous.getHardware());
    // lastActivityTime and wakeRequestedAt belong to the gateway's field manager: never written
    // here.
    status.setSleepingSince(previous.getSleepingSince());
    status.setLastWake(previous.getLastWake());
    status.setYieldedTo(previous.getYieldedTo());
    status.setUsage(previous.getUsage());
    status.setConditions(conditions);
    return status;
  }

  /** A wake is recorded when it is asked for, and completed when the woken pod is Ready. */
  private static LastWake lastWake(
      SpaceStatus previous, SleepPolicy.Decision sleep, Stage stage, Instant now) {
    if (sleep.wokeNow()) {
      LastWake wake = new LastWake();
      wake.setRequestedAt(previous.getWakeRequestedAt());
      return wake;
    }
    LastWake wake = previous.getLastWake();
    if (wake == null
        || wake.getReadyAt() != null
        || wake.getRequestedAt() == null
        || stage != Stage.RUNNING) {
      return wake;
    }
    // Observed now, to the millisecond: a pod condition's transition time has whole seconds only.
    Instant readyAt = now;
    Instant requestedAt = Instant.parse(wake.getRequestedAt());
    LastWake done = new LastWake();
    done.setRequestedAt(wake.getRequestedAt());
    done.setReadyAt(readyAt.toString());
    done.setSeconds(Math.max(0, Duration.between(requestedAt, readyAt).toMillis()) / 1000.0);
    return done;
  }

  private static Condition scheduled(Pod current, boolean paused, boolean asleep) {
    if (current == null && asleep) {
      return condition(SCHEDULED, "False", "Sleeping", "No pod runs while the Space sleeps");
    }
    if (current == null) {
      return paused
          ? condition(SCHEDULED, "False", "Paused", "No pod runs while the Space is paused")
          : condition(SCHEDULED, "Unknown", "NoPod", "The Space's pod does not exist yet");
    }
    Optional<PodCondition> podScheduled = PodHealth.condition(current, "PodScheduled");
    if (podScheduled.filter(c -> "True".equals(c.getStatus())).isPresent()) {
      return condition(
          SCHEDULED, "True", "Scheduled", "On node " + current.getSpec().getNodeName());
    }
    if (podScheduled.filter(c -> "False".equals(c.getStatus())).isPresent()) {
      return condition(
          SCHEDULED,
          "False",
          SpaceConditions.INSUFFICIENT_CAPACITY,
          podScheduled.get().getMessage());
    }
    return condition(SCHEDULED, "Unknown", "Pending", "The scheduler has not placed the pod yet");
  }

  /** A condition keeps its lastTransitionTime while its status stays the same. */
  private static List<Condition> keepTransitionTimes(
      List<Condition> next, List<Condition> previous, long generation, Instant now) {
    for (Condition c : next) {
      c.setObservedGeneration(generation);
      Optional<Condition> before =
          previous == null
              ? Optional.empty()
              : previous.stream().filter(p -> p.getType().equals(c.getType())).findFirst();
      c.setLastTransitionTime(
          before
              .filter(p -> Objects.equals(p.getStatus(), c.getStatus()))
              .map(Condition::getLastTransitionTime)
              .orElse(now.toString()));
    }
    return next;
  }

  private static Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  private static String templateHash(Deployment deployment) {
    if (deployment == null || deployment.getSpec().getTemplate().getMetadata() == null) {
      return null;
    }
    Map<String, String> annotations =
        deployment.getSpec().getTemplate().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(SpaceLabels.TEMPLATE_HASH);
  }
}
