package dev.spaceport.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceport.api.FallbackReturn;
import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.api.SpaceUsage;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.Pods;
import dev.spaceport.rules.SpaceDefaults;
import dev.spaceport.rules.SpaceHosts;
import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Reconciles a Space: observe, validate, then (only when valid) apply the owned objects, and
 * finally turn what was observed into status. A Space that became invalid keeps its running objects
 * untouched and says why in status.
 */
@ControllerConfiguration(
    name = "space",
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = SpaceUpdateFilter.class),
    // Secrets are not watched: a periodic look notices one deleted under a running Space.
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(type = SpaceDeploymentDependent.class),
      @Dependent(type = SpaceServiceDependent.class),
      @Dependent(type = SpaceIngressDependent.class),
      @Dependent(type = SpaceEndpointSliceDependent.class),
      @Dependent(
          type = SpaceNetworkPolicyDependent.class,
          activationCondition = SpaceNetworkPolicyDependent.Enabled.class)
    })
@RBACRule(
    apiGroups = Space.GROUP,
    resources = "hardwareflavors",
    verbs = {"get", "list", "watch"})
@RBACRule(
    apiGroups = "",
    resources = "pods",
    verbs = {"get", "list", "watch"})
@RBACRule(
    apiGroups = "",
    resources = "nodes",
    verbs = {"get", "list", "watch"})
@RBACRule(apiGroups = "", resources = "namespaces", verbs = "get")
@RBACRule(apiGroups = "", resources = "secrets", verbs = "get")
@RBACRule(apiGroups = "", resources = "events", verbs = "create")
@RBACRule(
    apiGroups = "discovery.k8s.io",
    resources = "endpointslices",
    verbs = {"get", "list", "watch"})
public class SpaceReconciler implements Reconciler<Space> {

  static final String GATEWAY_SLICES = "gateway-endpoints";

  /** The Spaces' own pods. */
  static final String SPACE_PODS = "space-pods";

  /** Every pod that holds a node's resources: what the nodes have free (GpuCapacity). */
  static final String CLUSTER_PODS = "cluster-pods";

  /**
   * A missing Secret is not watched (watching every Secret would be costly): look again after this.
   */
  static final Duration SECRET_RECHECK = Duration.ofSeconds(30);

  @Inject SpaceportConfig config;

  @Inject SpaceEvents events;

  @Inject UsageMetrics usageMetrics;

  @Inject UsageClock usageClock;

  @Override
  public List<EventSource<?, Space>> prepareEventSources(EventSourceContext<Space> context) {
    var flavors =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(HardwareFlavor.class, Space.class)
                // A changed flavor concerns the Spaces that name it, and those on the default
                // flavor.
                .withSecondaryToPrimaryMapper(
                    flavor ->
                        context
                            .getPrimaryCache()
                            .list()
                            .filter(
                                s ->
                                    s.getSpec().getHardware() == null
                                        || s.getSpec()
                                            .getHardware()
                                            .equals(flavor.getMetadata().getName()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, Space.class)
                .withName(SPACE_PODS)
                .withLabelSelector(SpaceLabels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(
                    pod ->
                        Set.of(
                            new ResourceID(
                                pod.getMetadata().getLabels().get(SpaceLabels.SPACE),
                                pod.getMetadata().getNamespace())))
                .build(),
            context);
    // The gateway's own EndpointSlices: a change goes into every Space's EndpointSlice.
    var gateway = config.gateway();
    var gatewaySlices =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(EndpointSlice.class, Space.class)
                .withName(GATEWAY_SLICES)
                .withNamespaces(Set.of(GatewayEndpoints.namespace(gateway)))
                .withLabelSelector("kubernetes.io/service-name=" + GatewayEndpoints.name(gateway))
                .withSecondaryToPrimaryMapper(
                    slice ->
                        context
                            .getPrimaryCache()
                            .list()
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    // Freed capacity (a pod gone, a node added or changed) concerns the Spaces that wait for
    // hardware or run on a fallback.
    var clusterPods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, Space.class)
                .withName(CLUSTER_PODS)
                .withOnAddFilter(pod -> false)
                .withOnUpdateFilter(
                    (updated, old) ->
                        GpuCapacity.holdsResources(old) && !GpuCapacity.holdsResources(updated))
                .withSecondaryToPrimaryMapper(pod -> interested(context))
                .build(),
            context);
    var nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, Space.class)
                .withOnUpdateFilter(
                    (updated, old) ->
                        !Objects.equals(updated.getSpec(), old.getSpec())
                            || !Objects.equals(
                                updated.getMetadata().getLabels(), old.getMetadata().getLabels())
                            || !Objects.equals(
                                updated.getStatus().getAllocatable(),
                                old.getStatus().getAllocatable()))
                .withSecondaryToPrimaryMapper(node -> interested(context))
                .build(),
            context);
    return List.of(flavors, pods, gatewaySlices, clusterPods, nodes);
  }

  private static Set<ResourceID> interested(EventSourceContext<Space> context) {
    return context
        .getPrimaryCache()
        .list()
        .filter(ScarceGpus::interested)
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<Space> reconcile(Space space, Context<Space> context) {
    // Observe
    Instant now = Instant.now();
    var flavors =
        (InformerEventSource<HardwareFlavor, Space>)
            context.eventSourceRetriever().getEventSourceFor(HardwareFlavor.class);
    FlavorCatalog catalog = new FlavorCatalog(flavors.list().toList());
    var spacePods =
        (InformerEventSource<Pod, Space>)
            context.eventSourceRetriever().getEventSourceFor(Pod.class, SPACE_PODS);
    List<Pod> pods = new ArrayList<>(spacePods.getSecondaryResources(space));
    Optional<Deployment> deployment = context.getSecondaryResource(Deployment.class);
    String recordedAsleep = annotation(deployment, SpaceLabels.SLEEPING_SINCE);
    ScarceGpus gpus = new ScarceGpus(context, config, catalog, now);
    Instant servingSince = PodHealth.servingSince(pods);

    // Validate
    String namespace = space.getMetadata().getNamespace();
    SpaceValidation.Result validation =
        SpaceValidation.validate(
            space,
            catalog,
            name -> context.getClient().secrets().inNamespace(namespace).withName(name).get());
    // Making room: a Space asked to yield its GPU sleeps if it is still idle (SleepPolicy).
    String yieldTo =
        config.gpus().makingRoom().enabled()
                && RoomMaking.pending(space.getStatus(), servingSince, now)
                && RoomMaking.idleEnough(
                    space.getStatus(),
                    servingSince,
                    now,
                    config.gpus().makingRoom().minIdle(),
                    gpus.connectionWindow())
            ? space.getStatus().getYieldRequest().getForSpace()
            : null;
    SleepPolicy.Decision sleep =
        SleepPolicy.decide(
            space,
            validation.flavor().flatMap(f -> SpaceDefaults.sleepTime(space, f)),
            servingSince,
            recordedAsleep,
            yieldTo,
            now);

    // Choose the flavor: the requested one, or a fallback while it cannot be scheduled.
    Optional<Pod> waiting = waitingPod(deployment.orElse(null), pods);
    HardwareChoice.Choice choice = null;
    if (validation.valid()) {
      choice =
          HardwareChoice.choose(
              catalog.chain(space),
              Optional.ofNullable(space.getSpec().getFallbackReturn())
                  .orElse(FallbackReturn.IMMEDIATELY),
              deployment.map(SpaceReconciler::deployedFlavor).orElse(null),
              annotation(deployment, SpaceLabels.FALLBACK_REASON),
              sleep.asleep(),
              waiting.map(SpaceReconciler::waitingSince),
              f -> gpus.capacity().fits(f.getSpec()),
              config.gpus().fallbackAfter(),
              now);
    }
    // A GPU taken by others: the queue, and (making room) an idle Space asked to sleep.
    SpaceStatusCalculator.GpuWait gpuWait =
        waiting
            .filter(p -> validation.valid())
            .flatMap(p -> catalog.named(Pods.label(p, SpaceLabels.HARDWARE)))
            .flatMap(f -> gpus.waitForGpu(space, f, waiting.get()))
            .orElse(null);

    // Apply: only a valid spec; an invalid one leaves the running objects as they are.
    if (validation.valid()) {
      var gatewaySlices =
          (InformerEventSource<EndpointSlice, Space>)
              context.eventSourceRetriever().getEventSourceFor(EndpointSlice.class, GATEWAY_SLICES);
      new SpaceWorkflowInputs(
              choice.flavor(),
              choice.fallbackReason(),
              sleep.sleepingSince(),
              GatewayEndpoints.of(config.gateway(), gatewaySlices.list().toList()))
          .putInto(context);
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    }

    // Usage: what the Space's pods hold, counted on the usage clock.
    UsageMeter.Holding holding =
        holding(space, pods, config.gpus().servingWindow(), gpus.connectionWindow(), now);
    Instant usageNow = usageClock.now();
    SpaceUsage previousUsage = space.getStatus() == null ? null : space.getStatus().getUsage();
    SpaceUsage usage =
        UsageMeter.count(
                previousUsage,
                holding,
                ScarceGpus.specs(catalog),
                usageNow,
                config.gpus().usageInterval())
            .orElse(previousUsage);
    usageMetrics.record(namespace, space.getMetadata().getName(), usage, ScarceGpus.specs(catalog));

    // Status, from the Deployment as the workflow left it
    var observation =
        new SpaceStatusCalculator.Observation(
            space,
            validation.invalid(),
            catalog.requestedName(space),
            context.getSecondaryResource(Deployment.class).orElse(null),
            pods,
            SpaceHosts.host(space, config),
            SpaceHosts.url(space, config),
            SpaceDefaults.startupTimeout(space.getSpec()),
            sleep,
            now,
            choice == null
                ? annotation(deployment, SpaceLabels.FALLBACK_REASON)
                : fallbackMessage(choice),
            gpuWait,
            usage);
    var result = SpaceStatusCalculator.compute(observation);
    events.transition(space, result.status());
    if (!sameOperatorFields(context, space.getStatus(), result.status())) {
      // Cached as written, so the next reconcile reads this status (sleepingSince, lastWake) even
      // if the informer has not delivered it yet: those fields carry over from one reconcile to the
      // next.
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
          space, statusPatch(space, result.status()), context);
    }
    boolean secretMissing =
        validation
            .invalid()
            .filter(i -> SpaceValidation.SECRET_NOT_FOUND.equals(i.reason()))
            .isPresent();
    List<Duration> rechecks = new ArrayList<>();
    result.recheckAfter().ifPresent(rechecks::add);
    if (secretMissing) {
      rechecks.add(SECRET_RECHECK);
    }
    if (choice != null) {
      choice.recheckAfter().ifPresent(rechecks::add);
      if (choice.onFallback() || gpuWait != null) {
        rechecks.add(ScarceGpus.RECHECK);
      }
    }
    UsageMeter.nextChange(holding).ifPresent(rechecks::add);
    if (!holding.holding().isEmpty()) {
      rechecks.add(config.gpus().usageInterval());
    }
    UpdateControl<Space> control = UpdateControl.noUpdate();
    return rechecks.stream()
        .min(Duration::compareTo)
        .map(d -> control.rescheduleAfter(d.plusMillis(100)))
        .orElse(control);
  }

  private static String fallbackMessage(HardwareChoice.Choice choice) {
    return choice.onFallback()
        ? choice.fallbackReason()
            + "; runs on "
            + choice.flavor().getMetadata().getName()
            + ", the first fallback with room"
        : null;
  }

  /** The Deployment's newest pod of its current template while the scheduler has not placed it. */
  private static Optional<Pod> waitingPod(Deployment deployment, List<Pod> pods) {
    String hash =
        deployment == null || deployment.getSpec().getTemplate().getMetadata() == null
            ? null
            : Optional.ofNullable(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .map(a -> a.get(SpaceLabels.TEMPLATE_HASH))
                .orElse(null);
    return pods.stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> hash != null && hash.equals(Pods.annotation(p, SpaceLabels.TEMPLATE_HASH)))
        .max(java.util.Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .filter(
            p ->
                PodHealth.condition(p, "PodScheduled")
                    .filter(c -> "False".equals(c.getStatus()))
                    .isPresent());
  }

  private static HardwareChoice.Waiting waitingSince(Pod pod) {
    var scheduled = PodHealth.condition(pod, "PodScheduled").get();
    return new HardwareChoice.Waiting(
        Instant.parse(
            scheduled.getLastTransitionTime() != null
                ? scheduled.getLastTransitionTime()
                : pod.getMetadata().getCreationTimestamp()),
        scheduled.getMessage());
  }

  private static String deployedFlavor(Deployment deployment) {
    var metadata = deployment.getSpec().getTemplate().getMetadata();
    return metadata == null || metadata.getLabels() == null
        ? null
        : metadata.getLabels().get(SpaceLabels.HARDWARE);
  }

  private static String annotation(Optional<Deployment> deployment, String key) {
    return deployment.map(d -> d.getMetadata().getAnnotations()).map(a -> a.get(key)).orElse(null);
  }

  /**
   * The flavors the Space's pods hold (bound to a node, not finished), and until when it counts as
   * serving: the serving window after its last request, or while the gateway sees a visitor's
   * connection.
   */
  private static UsageMeter.Holding holding(
      Space space, List<Pod> pods, Duration servingWindow, Duration connectionWindow, Instant now) {
    List<String> held =
        pods.stream()
            .filter(GpuCapacity::holdsResources)
            .map(p -> Pods.label(p, SpaceLabels.HARDWARE))
            .filter(Objects::nonNull)
            .toList();
    SpaceStatus status = space.getStatus();
    Instant servingUntil = null;
    if (status != null) {
      Instant request = SleepPolicy.instant(status.getLastActivityTime());
      Instant connected = SleepPolicy.instant(status.getVisitorConnectedAt());
      if (request != null) {
        servingUntil = request.plus(servingWindow);
      }
      if (connected != null
          && (servingUntil == null || connected.plus(connectionWindow).isAfter(servingUntil))) {
        servingUntil = connected.plus(connectionWindow);
      }
    }
    return new UsageMeter.Holding(
        held, servingUntil == null ? null : Duration.between(now, servingUntil));
  }

  /**
   * A reconcile that failed (the apiserver refused a write, say) says so in status, instead of
   * leaving a Space without a word while JOSDK retries with backoff.
   */
  @Override
  public ErrorStatusUpdateControl<Space> updateErrorStatus(
      Space space, Context<Space> context, Exception e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    SpaceStatus status =
        SpaceStatusCalculator.applyFailed(space, String.valueOf(cause.getMessage()), Instant.now());
    return ErrorStatusUpdateControl.patchStatus(statusPatch(space, status));
  }

  /**
   * Name and namespace only: a resourceVersion would turn a concurrent gateway write into a
   * conflict.
   */
  private static Space statusPatch(Space space, SpaceStatus status) {
    Space patch = new Space();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(space.getMetadata().getName())
            .withNamespace(space.getMetadata().getNamespace())
            .build());
    patch.setStatus(status);
    return patch;
  }

  /**
   * Status fields the gateway writes (activity, wake requests) are its own and not compared here.
   */
  private static boolean sameOperatorFields(
      Context<Space> context, SpaceStatus current, SpaceStatus next) {
    if (current == null) {
      return false;
    }
    var serialization = context.getClient().getKubernetesSerialization();
    ObjectNode a = serialization.convertValue(current, ObjectNode.class);
    ObjectNode b = serialization.convertValue(next, ObjectNode.class);
    for (String gatewayField :
        List.of("lastActivityTime", "wakeRequestedAt", "visitorConnectedAt", "yieldRequest")) {
      a.remove(gatewayField);
      b.remove(gatewayField);
    }
    return a.equals(b);
  }
}
