package dev.spaceport.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.SpaceDefaults;
import dev.spaceport.rules.SpaceHosts;
import dev.spaceport.rules.SpaceLabels;
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
@RBACRule(apiGroups = "", resources = "secrets", verbs = "get")
@RBACRule(apiGroups = "", resources = "events", verbs = "create")
@RBACRule(
    apiGroups = "discovery.k8s.io",
    resources = "endpointslices",
    verbs = {"get", "list", "watch"})
public class SpaceReconciler implements Reconciler<Space> {

  static final String GATEWAY_SLICES = "gateway-endpoints";

  /**
   * A missing Secret is not watched (watching every Secret would be costly): look again after this.
   */
  static final Duration SECRET_RECHECK = Duration.ofSeconds(30);

  @Inject SpaceportConfig config;

  @Inject SpaceEvents events;

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
    return List.of(flavors, pods, gatewaySlices);
  }

  @Override
  public UpdateControl<Space> reconcile(Space space, Context<Space> context) {
    // Observe
    Instant now = Instant.now();
    var flavors =
        (InformerEventSource<HardwareFlavor, Space>)
            context.eventSourceRetriever().getEventSourceFor(HardwareFlavor.class);
    FlavorCatalog catalog = new FlavorCatalog(flavors.list().toList());
    List<Pod> pods = new ArrayList<>(context.getSecondaryResources(Pod.class));
    String recordedAsleep =
        context
            .getSecondaryResource(Deployment.class)
            .map(d -> d.getMetadata().getAnnotations())
            .map(a -> a.get(SpaceLabels.SLEEPING_SINCE))
            .orElse(null);

    // Validate
    String namespace = space.getMetadata().getNamespace();
    SpaceValidation.Result validation =
        SpaceValidation.validate(
            space,
            catalog,
            name -> context.getClient().secrets().inNamespace(namespace).withName(name).get());
    SleepPolicy.Decision sleep =
        SleepPolicy.decide(
            space,
            validation.flavor().flatMap(f -> SpaceDefaults.sleepTime(space, f)),
            PodHealth.servingSince(pods),
            recordedAsleep,
            now);

    // Apply: only a valid spec; an invalid one leaves the running objects as they are.
    if (validation.valid()) {
      var gatewaySlices =
          (InformerEventSource<EndpointSlice, Space>)
              context.eventSourceRetriever().getEventSourceFor(EndpointSlice.class, GATEWAY_SLICES);
      new SpaceWorkflowInputs(
              validation.flavor().get(),
              sleep.sleepingSince(),
              GatewayEndpoints.of(config.gateway(), gatewaySlices.list().toList()))
          .putInto(context);
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    }

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
            now);
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
    Optional<Duration> recheck =
        secretMissing ? Optional.of(SECRET_RECHECK) : result.recheckAfter();
    UpdateControl<Space> control = UpdateControl.noUpdate();
    return recheck.map(d -> control.rescheduleAfter(d.plusMillis(100))).orElse(control);
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
    for (String gatewayField : List.of("lastActivityTime", "wakeRequestedAt")) {
      a.remove(gatewayField);
      b.remove(gatewayField);
    }
    return a.equals(b);
  }
}
