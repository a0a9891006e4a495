package dev.spaceport.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.rules.SpaceLabels;
import dev.spaceport.testing.TestSpaces;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SpaceStatusCalculatorTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final String CURRENT = "aaaa";
  private static final String OLD = "bbbb";

  private final Space space = space();

  private static Space space() {
    Space space = TestSpaces.gradio("team", "demo", "a10g-small");
    space.getMetadata().setGeneration(3L);
    return space;
  }

  private static Deployment deployment() {
    return new DeploymentBuilder()
        .withNewSpec()
        .withNewTemplate()
        .withNewMetadata()
        .addToAnnotations(SpaceLabels.TEMPLATE_HASH, CURRENT)
        .endMetadata()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * A pod of a template, scheduled at the given time (or unschedulable when null), Ready or not.
   */
  private static PodBuilder pod(String name, String hash, Instant scheduledAt, boolean ready) {
    List<io.fabric8.kubernetes.api.model.PodCondition> conditions = new ArrayList<>();
    conditions.add(
        scheduledAt == null
            ? new PodConditionBuilder()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withMessage("0/8 nodes are available: 2 Insufficient nvidia.com/gpu.")
                .build()
            : new PodConditionBuilder()
                .withType("PodScheduled")
                .withStatus("True")
                .withLastTransitionTime(scheduledAt.toString())
                .build());
    conditions.add(
        new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build());
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withCreationTimestamp(NOW.minusSeconds(60).toString())
        .addToAnnotations(SpaceLabels.TEMPLATE_HASH, hash)
        .addToLabels(SpaceLabels.HARDWARE, "a10g-small")
        .endMetadata()
        .withNewSpec()
        .withNodeName(scheduledAt == null ? null : "a10g-1")
        .endSpec()
        .withNewStatus()
        .withConditions(conditions)
        .endStatus();
  }

  private SpaceStatusCalculator.Result compute(List<Pod> pods) {
    return compute(null, pods, NOW);
  }

  private static final SleepPolicy.Decision AWAKE =
      new SleepPolicy.Decision(false, null, false, java.util.Optional.empty());

  private SpaceStatusCalculator.Result compute(String invalidReason, List<Pod> pods, Instant now) {
    return compute(invalidReason, pods, now, AWAKE);
  }

  private SpaceStatusCalculator.Result compute(
      String invalidReason, List<Pod> pods, Instant now, SleepPolicy.Decision sleep) {
    return compute(invalidReason, "a10g-small", pods, now, sleep, null, null);
  }

  private SpaceStatusCalculator.Result compute(
      String invalidReason,
      String requested,
      List<Pod> pods,
      Instant now,
      SleepPolicy.Decision sleep,
      String fallbackReason,
      SpaceStatusCalculator.GpuWait gpuWait) {
    return SpaceStatusCalculator.compute(
        new SpaceStatusCalculator.Observation(
            space,
            Optional.ofNullable(invalidReason)
                .map(r -> new SpaceValidation.Invalid(r, "unknown hardware flavor x")),
            requested,
            deployment(),
            pods,
            "team-demo.spaces.localhost",
            "http://team-demo.spaces.localhost/",
            Duration.ofMinutes(30),
            sleep,
            now,
            fallbackReason,
            gpuWait,
            null));
  }

  @Test
  void sleepingSpaceIsSleepingAndSaysSo() {
    var asleep =
        new SleepPolicy.Decision(
            true, NOW.minusSeconds(5).toString(), false, java.util.Optional.empty());
    SpaceStatus status = compute(null, List.of(), NOW, asleep).status();
    assertThat(status.getStage()).isEqualTo("SLEEPING");
    assertThat(status.getSleepingSince()).isEqualTo(NOW.minusSeconds(5).toString());
    assertThat(conditions(status))
        .containsEntry("Sleeping", "True/Idle")
        .containsEntry("Ready", "True/Sleeping")
        .containsEntry("Scheduled", "False/Sleeping");
  }

  @Test
  void wakeIsRecordedWhenAskedAndCompletedWhenThePodIsReady() {
    SpaceStatus asleep = new SpaceStatus();
    asleep.setStage("SLEEPING");
    asleep.setSleepingSince(NOW.minusSeconds(600).toString());
    asleep.setWakeRequestedAt(NOW.toString());
    space.setStatus(asleep);
    var woke = new SleepPolicy.Decision(false, null, true, java.util.Optional.empty());
    SpaceStatus waking = compute(null, List.of(), NOW, woke).status();
    assertThat(waking.getStage()).isEqualTo("APP_STARTING");
    assertThat(waking.getLastWake().getRequestedAt()).isEqualTo(NOW.toString());
    assertThat(waking.getLastWake().getReadyAt()).isNull();
    assertThat(waking.getSleepingSince()).isNull();

    space.setStatus(waking);
    Pod ready = pod("p", CURRENT, NOW.plusSeconds(1), true).build();
    SpaceStatus running = compute(null, List.of(ready), NOW.plusMillis(2500), AWAKE).status();
    assertThat(running.getStage()).isEqualTo("RUNNING");
    assertThat(running.getLastWake().getReadyAt()).isEqualTo(NOW.plusMillis(2500).toString());
    assertThat(running.getLastWake().getSeconds()).isEqualTo(2.5);
  }

  @Test
  void sleepDeadlineIsWhenToLookAgain() {
    var awakeForAnHour =
        new SleepPolicy.Decision(false, null, false, java.util.Optional.of(Duration.ofMinutes(60)));
    var result =
        compute(
            null,
            List.of(pod("p", CURRENT, NOW.minusSeconds(30), true).build()),
            NOW,
            awakeForAnHour);
    assertThat(result.recheckAfter()).contains(Duration.ofMinutes(60));
  }

  private static Map<String, String> conditions(SpaceStatus status) {
    return status.getConditions().stream()
        .collect(Collectors.toMap(Condition::getType, c -> c.getStatus() + "/" + c.getReason()));
  }

  /**
   * kstatus (Flux's wait) reads Reconciling and Stalled: starting is in progress, an error is
   * failed, sleep is current.
   */
  @Test
  void kstatusConditionsFollowTheStage() {
    var running = compute(List.of(pod("p", CURRENT, NOW.minusSeconds(30), true).build())).status();
    assertThat(conditions(running))
        .containsEntry("Reconciling", "False/Running")
        .containsEntry("Stalled", "False/Running");
    var starting =
        compute(List.of(pod("p", CURRENT, NOW.minusSeconds(60), false).build())).status();
    assertThat(conditions(starting))
        .containsEntry("Reconciling", "True/Starting")
        .containsEntry("Stalled", "False/AppStarting");
    var failed =
        compute(
                null,
                List.of(pod("p", CURRENT, NOW.minus(Duration.ofMinutes(31)), false).build()),
                NOW)
            .status();
    assertThat(failed.getStage()).isEqualTo("RUNTIME_ERROR");
    assertThat(conditions(failed).get("Stalled")).startsWith("True/");
    assertThat(conditions(failed).get("Reconciling")).isEqualTo("False/RuntimeError");
    var asleep =
        new SleepPolicy.Decision(
            true, NOW.minusSeconds(5).toString(), false, java.util.Optional.empty());
    var sleeping = compute(null, List.of(), NOW, asleep).status();
    assertThat(conditions(sleeping))
        .containsEntry("Reconciling", "False/Sleeping")
        .containsEntry("Stalled", "False/Sleeping");
  }

  @Test
  void readyCurrentPodIsRunning() {
    SpaceStatus status =
        compute(List.of(pod("p", CURRENT, NOW.minusSeconds(30), true).build())).status();
    assertThat(status.getStage()).isEqualTo("RUNNING");
    assertThat(conditions(status))
        .containsEntry("Ready", "True/Running")
        .containsEntry("Scheduled", "True/Scheduled")
        .containsEntry("Available", "True/PodReady");
    assertThat(status.getHardware().getCurrent()).isEqualTo("a10g-small");
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    assertThat(status.getConditions())
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3L));
    assertThat(status.getUrl()).isEqualTo("http://team-demo.spaces.localhost/");
  }

  @Test
  void noPodYetIsAppStarting() {
    SpaceStatus status = compute(List.of()).status();
    assertThat(status.getStage()).isEqualTo("APP_STARTING");
    assertThat(conditions(status))
        .containsEntry("Ready", "False/Starting")
        .containsEntry("Scheduled", "Unknown/NoPod")
        .containsEntry("Available", "False/NoReadyPod");
    assertThat(status.getHardware().getCurrent()).isNull();
  }

  @Test
  void startingPodIsAppStartingAndAsksToBeCheckedAtItsStartupDeadline() {
    var result = compute(List.of(pod("p", CURRENT, NOW.minusSeconds(60), false).build()));
    assertThat(result.status().getStage()).isEqualTo("APP_STARTING");
    assertThat(result.recheckAfter()).contains(Duration.ofMinutes(29));
  }

  @Test
  void unschedulablePodWaitsForCapacityWithTheSchedulersMessageAndNeverTimesOut() {
    Instant muchLater = NOW.plus(Duration.ofHours(5));
    var result = compute(null, List.of(pod("p", CURRENT, null, false).build()), muchLater);
    assertThat(result.status().getStage()).isEqualTo("APP_STARTING");
    assertThat(conditions(result.status()))
        .containsEntry("Scheduled", "False/InsufficientCapacity")
        .containsEntry("Ready", "False/InsufficientCapacity");
    assertThat(result.status().getMessage()).contains("Insufficient nvidia.com/gpu");
    assertThat(result.recheckAfter()).isEmpty();
  }

  private SpaceStatus computeScarce(
      List<Pod> pods,
      SleepPolicy.Decision sleep,
      String fallbackReason,
      SpaceStatusCalculator.GpuWait gpuWait) {
    return compute(null, "a100-large", pods, NOW, sleep, fallbackReason, gpuWait).status();
  }

  @Test
  void aPodWaitingForATakenGpuShowsTheProductAndItsPlaceInTheQueue() {
    SpaceStatus status =
        computeScarce(
            List.of(pod("p", CURRENT, null, false).build()),
            AWAKE,
            null,
            new SpaceStatusCalculator.GpuWait("NVIDIA-A100-SXM4-80GB", 2));
    assertThat(status.getHardware().getWaitingFor()).isEqualTo("NVIDIA-A100-SXM4-80GB");
    assertThat(status.getHardware().getQueuePosition()).isEqualTo(2);
    assertThat(status.getMessage())
        .isEqualTo(
            "Waiting for a GPU (NVIDIA-A100-SXM4-80GB), place 2 in the queue: 0/8 nodes are"
                + " available: 2 Insufficient nvidia.com/gpu.");
    assertThat(conditions(status)).containsEntry("HardwareFallback", "False/RequestedHardware");
  }

  @Test
  void aSpaceOnAFallbackSaysWhyAndWhichFlavorServes() {
    SpaceStatus status =
        computeScarce(
            List.of(pod("p", CURRENT, NOW.minusSeconds(30), true).build()),
            AWAKE,
            "a100-large could not be scheduled for 2m (0/8 nodes are available)",
            null);
    assertThat(status.getStage()).isEqualTo("RUNNING");
    assertThat(status.getHardware().getRequested()).isEqualTo("a100-large");
    assertThat(status.getHardware().getCurrent()).isEqualTo("a10g-small");
    assertThat(status.getHardware().getWaitingFor()).isNull();
    assertThat(conditions(status))
        .containsEntry("HardwareFallback", "True/RequestedHardwareUnavailable");
  }

  @Test
  void aSpaceThatMadeRoomSleepsSayingForWhom() {
    var yielded =
        new SleepPolicy.Decision(
            true, NOW.toString(), false, Optional.empty(), "team/waiting-space");
    SpaceStatus status = computeScarce(List.of(), yielded, null, null);
    assertThat(status.getStage()).isEqualTo("SLEEPING");
    assertThat(status.getYieldedTo()).isEqualTo("team/waiting-space");
    assertThat(conditions(status)).containsEntry("Sleeping", "True/YieldedGpu");
    assertThat(status.getMessage()).contains("to make room: its GPU went to team/waiting-space");
  }

  @Test
  void podNotReadyWithinStartupTimeoutOfBeingScheduledIsARuntimeError() {
    var result =
        compute(
            null,
            List.of(pod("p", CURRENT, NOW.minus(Duration.ofMinutes(31)), false).build()),
            NOW);
    assertThat(result.status().getStage()).isEqualTo("RUNTIME_ERROR");
    assertThat(conditions(result.status())).containsEntry("Ready", "False/StartupTimeout");
    assertThat(result.status().getMessage()).contains("30m");
  }

  /** A pod whose app started at {@code startedAt} and whose Ready condition is False since then. */
  private static Pod startedNotReady(
      Instant scheduledAt, Instant startedAt, Instant notReadySince) {
    Pod pod = pod("p", CURRENT, scheduledAt, false).build();
    pod.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .forEach(c -> c.setLastTransitionTime(notReadySince.toString()));
    pod.getStatus()
        .setContainerStatuses(
            List.of(
                new ContainerStatusBuilder()
                    .withName("app")
                    .withStarted(true)
                    .withReady(false)
                    .withNewState()
                    .withNewRunning()
                    .withStartedAt(startedAt.toString())
                    .endRunning()
                    .endState()
                    .build()));
    return pod;
  }

  @Test
  void podWhoseAppStartedAndThenStoppedAnsweringIsUnhealthyNotAStartupTimeout() {
    Instant scheduled = NOW.minus(Duration.ofHours(2));
    Pod unhealthy =
        startedNotReady(scheduled, scheduled.plusSeconds(5), NOW.minus(Duration.ofHours(1)));
    var result = compute(List.of(unhealthy));
    assertThat(result.status().getStage()).isEqualTo("RUNTIME_ERROR");
    assertThat(conditions(result.status())).containsEntry("Ready", "False/Unhealthy");
    assertThat(result.recheckAfter()).isEmpty();
  }

  /** A kubelet reports every start so: the startup probe passed, the readiness probe not yet. */
  @Test
  void startedButNotYetReadyIsStartingWithinTheStartupBudget() {
    Instant scheduled = NOW.minusSeconds(20);
    Pod starting = startedNotReady(scheduled, scheduled.plusSeconds(3), scheduled);
    var result = compute(List.of(starting));
    assertThat(result.status().getStage()).isEqualTo("APP_STARTING");
    assertThat(conditions(result.status()))
        .containsEntry("Ready", "False/Starting")
        .containsEntry("Stalled", "False/AppStarting");
    // The budget counts from the app's start, 17 s ago.
    assertThat(result.recheckAfter()).contains(Duration.ofMinutes(30).minusSeconds(17));

    Instant late = NOW.minus(Duration.ofMinutes(31));
    var tooLate = compute(List.of(startedNotReady(late, late.plusSeconds(3), late))).status();
    assertThat(conditions(tooLate)).containsEntry("Ready", "False/StartupTimeout");
  }

  /** A kubelet restarts a crashed container: the app starts again, with a new startup budget. */
  @Test
  void restartedContainerOfALongRunningPodIsStartingNotUnhealthyNorLate() {
    Instant scheduled = NOW.minus(Duration.ofHours(5));
    Instant restarted = NOW.minusSeconds(4);
    var result = compute(List.of(startedNotReady(scheduled, restarted, restarted)));
    assertThat(result.status().getStage()).isEqualTo("APP_STARTING");
    assertThat(conditions(result.status())).containsEntry("Ready", "False/Starting");
    assertThat(result.recheckAfter()).contains(Duration.ofMinutes(30).minusSeconds(4));
  }

  @Test
  void newPodStartedButNotYetReadyBesideTheServingOneIsRollingOut() {
    Pod serving = pod("old", OLD, NOW.minusSeconds(600), true).build();
    Pod starting = startedNotReady(NOW.minusSeconds(10), NOW.minusSeconds(8), NOW.minusSeconds(10));
    var status = compute(List.of(serving, starting)).status();
    assertThat(status.getStage()).isEqualTo("RUNNING_APP_STARTING");
    assertThat(conditions(status)).containsEntry("Ready", "False/RollingOut");
  }

  @Test
  void crashLoopIsARuntimeErrorQuotingTheLastMessage() {
    Pod crashing =
        pod("p", CURRENT, NOW.minusSeconds(60), false)
            .editStatus()
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("app")
                    .withRestartCount(5)
                    .withNewState()
                    .withNewWaiting()
                    .withReason("CrashLoopBackOff")
                    .endWaiting()
                    .endState()
                    .withNewLastState()
                    .withNewTerminated()
                    .withExitCode(1)
                    .withReason("Error")
                    .withMessage("ModuleNotFoundError: No module named 'torch'\n")
                    .endTerminated()
                    .endLastState()
                    .build())
            .endStatus()
            .build();
    SpaceStatus status = compute(List.of(crashing)).status();
    assertThat(status.getStage()).isEqualTo("RUNTIME_ERROR");
    assertThat(status.getMessage())
        .isEqualTo(
            "The app failed to start (Exit code 1, restarted 5 times): ModuleNotFoundError: No module named 'torch'");
    assertThat(conditions(status)).containsEntry("Ready", "False/CrashLoopBackOff");
  }

  @Test
  void oomKilledIsARuntimeErrorNamedSo() {
    Pod oom =
        pod("p", CURRENT, NOW.minusSeconds(60), false)
            .editStatus()
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("app")
                    .withRestartCount(3)
                    .withNewState()
                    .withNewWaiting()
                    .withReason("CrashLoopBackOff")
                    .endWaiting()
                    .endState()
                    .withNewLastState()
                    .withNewTerminated()
                    .withExitCode(137)
                    .withReason("OOMKilled")
                    .endTerminated()
                    .endLastState()
                    .build())
            .endStatus()
            .build();
    SpaceStatus status = compute(List.of(oom)).status();
    assertThat(status.getStage()).isEqualTo("RUNTIME_ERROR");
    assertThat(conditions(status)).containsEntry("Ready", "False/OOMKilled");
    assertThat(status.getMessage()).contains("OOMKilled");
  }

  @Test
  void imagePullErrorIsARuntimeError() {
    Pod unpullable =
        pod("p", CURRENT, NOW.minusSeconds(60), false)
            .editStatus()
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("app")
                    .withNewState()
                    .withNewWaiting()
                    .withReason("ImagePullBackOff")
                    .withMessage("Back-off pulling image \"x\"")
                    .endWaiting()
                    .endState()
                    .build())
            .endStatus()
            .build();
    SpaceStatus status = compute(List.of(unpullable)).status();
    assertThat(status.getStage()).isEqualTo("RUNTIME_ERROR");
    assertThat(status.getMessage()).isEqualTo("ImagePullBackOff: Back-off pulling image \"x\"");
  }

  @Test
  void newTemplateStartingBehindAServingPodIsRunningAppStarting() {
    SpaceStatus status =
        compute(
                List.of(
                    pod("old", OLD, NOW.minusSeconds(600), true).build(),
                    pod("new", CURRENT, NOW.minusSeconds(10), false).build()))
            .status();
    assertThat(status.getStage()).isEqualTo("RUNNING_APP_STARTING");
    assertThat(conditions(status))
        .containsEntry("Available", "True/PodReady")
        .containsEntry("Ready", "False/RollingOut");
    assertThat(status.getHardware().getCurrent()).isEqualTo("a10g-small");
  }

  @Test
  void pausedSpaceIsPaused() {
    space.getSpec().setPaused(true);
    SpaceStatus status = compute(List.of()).status();
    assertThat(status.getStage()).isEqualTo("PAUSED");
    assertThat(conditions(status))
        .containsEntry("Ready", "True/Paused")
        .containsEntry("Scheduled", "False/Paused");
  }

  @Test
  void invalidSpaceIsAConfigErrorThatKeepsItsServingPod() {
    SpaceStatus status =
        compute(
                "FlavorNotFound",
                List.of(pod("p", CURRENT, NOW.minusSeconds(60), true).build()),
                NOW)
            .status();
    assertThat(status.getStage()).isEqualTo("CONFIG_ERROR");
    assertThat(conditions(status))
        .containsEntry("Ready", "False/FlavorNotFound")
        .containsEntry("Available", "True/PodReady");
    assertThat(status.getMessage()).contains("unknown hardware flavor x").contains("keeps serving");
  }

  @Test
  void terminatingPodsDoNotServe() {
    Pod leaving =
        pod("p", CURRENT, NOW.minusSeconds(60), true)
            .editMetadata()
            .withDeletionTimestamp(NOW.toString())
            .endMetadata()
            .build();
    assertThat(compute(List.of(leaving)).status().getStage()).isEqualTo("APP_STARTING");
  }

  @Test
  void lastTransitionTimeStaysWhileAConditionsStatusStays() {
    SpaceStatus first =
        compute(List.of(pod("p", CURRENT, NOW.minusSeconds(30), true).build())).status();
    space.setStatus(first);
    SpaceStatus later =
        compute(
                null,
                List.of(pod("p", CURRENT, NOW.minusSeconds(30), true).build()),
                NOW.plusSeconds(300))
            .status();
    assertThat(later.getConditions())
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(first.getConditions());

    space.setStatus(later);
    SpaceStatus broken =
        compute(
                "FlavorNotFound",
                List.of(pod("p", CURRENT, NOW.minusSeconds(30), true).build()),
                NOW.plusSeconds(600))
            .status();
    Map<String, String> times =
        broken.getConditions().stream()
            .collect(Collectors.toMap(Condition::getType, Condition::getLastTransitionTime));
    assertThat(times)
        .containsEntry("Ready", NOW.plusSeconds(600).toString())
        .containsEntry("Available", NOW.toString());
  }

  @Test
  void repeatedApplyFailedKeepsItsTransitionTimeAndTheRestOfStatus() {
    SpaceStatus running =
        compute(List.of(pod("p", CURRENT, NOW.minusSeconds(30), true).build())).status();
    space.setStatus(running);
    SpaceStatus failed =
        SpaceStatusCalculator.applyFailed(
            space, "exceeded quota: no-services", NOW.plusSeconds(60));
    assertThat(conditions(failed))
        .containsEntry("Ready", "False/ApplyFailed")
        .containsEntry("Reconciling", "False/ApplyFailed")
        .containsEntry("Stalled", "True/ApplyFailed")
        .containsEntry("Available", "True/PodReady");
    assertThat(failed.getMessage())
        .isEqualTo("Could not apply the Space's objects (retrying): exceeded quota: no-services");
    assertThat(failed.getStage()).isEqualTo("RUNNING");
    assertThat(failed.getUrl()).isEqualTo(running.getUrl());

    space.setStatus(failed);
    SpaceStatus again =
        SpaceStatusCalculator.applyFailed(
            space, "exceeded quota: no-services", NOW.plusSeconds(600));
    assertThat(again.getConditions())
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(failed.getConditions());
    Map<String, String> times =
        again.getConditions().stream()
            .collect(Collectors.toMap(Condition::getType, Condition::getLastTransitionTime));
    assertThat(times)
        .containsEntry("Ready", NOW.plusSeconds(60).toString())
        .containsEntry("Stalled", NOW.plusSeconds(60).toString())
        .containsEntry("Reconciling", NOW.toString());
  }

  @Test
  void applyFailedOnANewSpaceSaysAppStartingAndKeepsNoGatewayField() {
    SpaceStatus seen = new SpaceStatus();
    seen.setLastActivityTime(NOW.toString());
    seen.setWakeRequestedAt(NOW.toString());
    space.setStatus(seen);
    SpaceStatus failed = SpaceStatusCalculator.applyFailed(space, "x".repeat(600), NOW);
    assertThat(failed.getStage()).isEqualTo("APP_STARTING");
    assertThat(failed.getMessage())
        .endsWith("x…")
        .hasSize("Could not apply the Space's objects (retrying): ".length() + 501);
    assertThat(failed.getLastActivityTime()).isNull();
    assertThat(failed.getWakeRequestedAt()).isNull();
  }
}
