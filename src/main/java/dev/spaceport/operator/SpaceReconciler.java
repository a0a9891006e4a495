package dev.spaceport.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceSecret;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.config.SpaceportConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
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
 * finally turn what was observed into status. A Space that became invalid keeps its running
 * objects untouched and says why in status.
 */
@ControllerConfiguration(name = "space", generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpaceUpdateFilter.class),
        // Secrets are not watched: a periodic look notices one deleted under a running Space.
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(type = SpaceDeploymentDependent.class),
    @Dependent(type = SpaceServiceDependent.class),
    @Dependent(type = SpaceIngressDependent.class),
    @Dependent(type = SpaceEndpointSliceDependent.class),
    @Dependent(type = SpaceNetworkPolicyDependent.class, activationCondition = SpaceNetworkPolicyDependent.Enabled.class)
})
@RBACRule(apiGroups = Space.GROUP, resources = "hardwareflavors", verbs = {"get", "list", "watch"})
@RBACRule(apiGroups = "", resources = "pods", verbs = {"get", "list", "watch"})
@RBACRule(apiGroups = "", resources = "secrets", verbs = "get")
@RBACRule(apiGroups = "", resources = "events", verbs = "create")
@RBACRule(apiGroups = "discovery.k8s.io", resources = "endpointslices", verbs = {"get", "list", "watch"})
public class SpaceReconciler implements Reconciler<Space> {

    static final String FLAVOR = "flavor";
    static final String ASLEEP = "asleep";
    static final String GATEWAY = "gateway";
    static final String GATEWAY_SLICES = "gateway-endpoints";
    /** A missing Secret is not watched (watching every Secret would be costly): look again after this. */
    static final Duration SECRET_RECHECK = Duration.ofSeconds(30);

    @Inject
    SpaceportConfig config;

    @Inject
    SpaceEvents events;

    @Override
    public List<EventSource<?, Space>> prepareEventSources(EventSourceContext<Space> context) {
        var flavors = new InformerEventSource<>(InformerEventSourceConfiguration.from(HardwareFlavor.class, Space.class)
                // A changed flavor concerns the Spaces that name it, and those on the default flavor.
                .withSecondaryToPrimaryMapper(flavor -> context.getPrimaryCache().list()
                        .filter(s -> s.getSpec().getHardware() == null
                                || s.getSpec().getHardware().equals(flavor.getMetadata().getName()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build(), context);
        var pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, Space.class)
                .withLabelSelector(SpaceLabels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(pod -> Set.of(new ResourceID(
                        pod.getMetadata().getLabels().get(SpaceLabels.SPACE), pod.getMetadata().getNamespace())))
                .build(), context);
        // The gateway's own EndpointSlices: a change goes into every Space's EndpointSlice.
        var gateway = config.gateway();
        var gatewaySlices = new InformerEventSource<>(InformerEventSourceConfiguration.from(EndpointSlice.class, Space.class)
                .withName(GATEWAY_SLICES)
                .withNamespaces(Set.of(GatewayEndpoints.namespace(gateway)))
                .withLabelSelector("kubernetes.io/service-name=" + GatewayEndpoints.name(gateway))
                .withSecondaryToPrimaryMapper(slice -> context.getPrimaryCache().list()
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .build(), context);
        return List.of(flavors, pods, gatewaySlices);
    }

    @Override
    public UpdateControl<Space> reconcile(Space space, Context<Space> context) {
        var flavorCache = (InformerEventSource<HardwareFlavor, Space>) context.eventSourceRetriever()
                .getEventSourceFor(HardwareFlavor.class);
        FlavorCatalog catalog = new FlavorCatalog(flavorCache.list().toList());
        Optional<HardwareFlavor> flavor = catalog.resolve(space);
        String invalidReason = null;
        String invalidMessage = null;
        if (flavor.isEmpty()) {
            invalidReason = "FlavorNotFound";
            invalidMessage = catalog.whyNot(space);
        } else {
            invalidMessage = missingSecrets(space, context).orElse(null);
            invalidReason = invalidMessage == null ? null : "SecretNotFound";
        }
        Instant now = Instant.now();
        List<Pod> pods = new ArrayList<>(context.getSecondaryResources(Pod.class));
        Instant servingSince = SpaceStatusCalculator.servingSince(pods);
        Deployment deployment = context.getSecondaryResource(Deployment.class).orElse(null);
        String recordedAsleep = deployment == null || deployment.getMetadata().getAnnotations() == null ? null
                : deployment.getMetadata().getAnnotations().get(SpaceLabels.SLEEPING_SINCE);
        SleepPolicy.Decision sleep = SleepPolicy.decide(space,
                flavor.map(f -> SleepPolicy.sleepTime(space, f)).orElse(Optional.empty()), servingSince, recordedAsleep, now);
        if (invalidReason == null) {
            context.managedWorkflowAndDependentResourceContext().put(FLAVOR, flavor.get());
            context.managedWorkflowAndDependentResourceContext().put(ASLEEP, Optional.ofNullable(sleep.sleepingSince()));
            var gatewaySlices = (InformerEventSource<EndpointSlice, Space>) context.eventSourceRetriever()
                    .getEventSourceFor(EndpointSlice.class, GATEWAY_SLICES);
            context.managedWorkflowAndDependentResourceContext().put(GATEWAY,
                    GatewayEndpoints.of(config.gateway(), gatewaySlices.list().toList()));
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
        }

        var observation = new SpaceStatusCalculator.Observation(space, invalidReason, invalidMessage,
                catalog.requestedName(space),
                context.getSecondaryResource(Deployment.class).orElse(null),
                pods,
                SpaceHosts.host(space, config), SpaceHosts.url(space, config),
                SpaceDeploymentDependent.startupTimeout(space.getSpec()), sleep, now);
        var result = SpaceStatusCalculator.compute(observation);
        recordTransition(space, result.status());

        Optional<Duration> recheck = "SecretNotFound".equals(invalidReason) ? Optional.of(SECRET_RECHECK)
                : result.recheckAfter();
        if (!sameOperatorFields(context, space.getStatus(), result.status())) {
            // Name and namespace only: a resourceVersion would turn a concurrent gateway write into a conflict.
            Space patch = new Space();
            patch.setMetadata(new ObjectMetaBuilder().withName(space.getMetadata().getName())
                    .withNamespace(space.getMetadata().getNamespace()).build());
            patch.setStatus(result.status());
            // Cached as written, so the next reconcile reads this status (sleepingSince, lastWake) even
            // if the informer has not delivered it yet: those fields carry over from one reconcile to the next.
            PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(space, patch, context);
        }
        UpdateControl<Space> control = UpdateControl.noUpdate();
        return recheck.map(d -> control.rescheduleAfter(d.plusMillis(100))).orElse(control);
    }

    /**
     * A reconcile that failed (the apiserver refused a write, say) says so in status, instead of
     * leaving a Space without a word while JOSDK retries with backoff.
     */
    @Override
    public ErrorStatusUpdateControl<Space> updateErrorStatus(Space space, Context<Space> context, Exception e) {
        var serialization = context.getClient().getKubernetesSerialization();
        SpaceStatus status = space.getStatus() == null ? new SpaceStatus()
                : serialization.clone(space.getStatus());
        status.setLastActivityTime(null);
        status.setWakeRequestedAt(null);
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        String why = String.valueOf(cause.getMessage());
        String message = "Could not apply the Space's objects (retrying): " + (why.length() > 500 ? why.substring(0, 500) + "…" : why);
        var conditions = new ArrayList<>(Optional.ofNullable(status.getConditions()).orElse(List.of()));
        // Ready and kstatus's pair say it: Stalled (a quota, say, needs a person), not Reconciling.
        var failed = List.of(SpaceStatusCalculator.READY, SpaceStatusCalculator.RECONCILING, SpaceStatusCalculator.STALLED);
        conditions.removeIf(c -> failed.contains(c.getType()));
        for (String type : failed) {
            String value = type.equals(SpaceStatusCalculator.STALLED) ? "True" : "False";
            conditions.add(new ConditionBuilder().withType(type).withStatus(value).withReason("ApplyFailed")
                    .withMessage(message).withObservedGeneration(space.getMetadata().getGeneration())
                    .withLastTransitionTime(Instant.now().toString()).build());
        }
        status.setConditions(conditions);
        status.setMessage(message);
        status.setStage(status.getStage() == null ? Stage.APP_STARTING.name() : status.getStage());
        Space patch = new Space();
        patch.setMetadata(new ObjectMetaBuilder().withName(space.getMetadata().getName())
                .withNamespace(space.getMetadata().getNamespace()).build());
        patch.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(patch);
    }

    /** The flavor the workflow's dependents build for; put there by {@link #reconcile}. */
    static HardwareFlavor flavorOf(Context<Space> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(FLAVOR, HardwareFlavor.class);
    }

    static GatewayEndpoints.Addresses gatewayEndpoints(Context<Space> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(GATEWAY, GatewayEndpoints.Addresses.class);
    }

    /** Since when the Space sleeps, or null when it is awake. */
    @SuppressWarnings("unchecked")
    static String sleepingSince(Context<Space> context) {
        return ((Optional<String>) context.managedWorkflowAndDependentResourceContext().getMandatory(ASLEEP, Optional.class))
                .orElse(null);
    }

    /** Names the secrets the pod could not start without; never reads out a value. */
    private static Optional<String> missingSecrets(Space space, Context<Space> context) {
        String namespace = space.getMetadata().getNamespace();
        List<String> missing = new ArrayList<>();
        List<SpaceSecret> secrets = Optional.ofNullable(space.getSpec().getSecrets()).orElse(List.of());
        for (SpaceSecret secret : secrets) {
            Secret found = context.getClient().secrets().inNamespace(namespace).withName(secret.getSecretRef().getName()).get();
            if (found == null) {
                missing.add(secret.getName() + " (Secret " + secret.getSecretRef().getName() + " does not exist)");
            } else if (!hasKey(found, secret.getSecretRef().getKey())) {
                missing.add(secret.getName() + " (Secret " + secret.getSecretRef().getName() + " has no key "
                        + secret.getSecretRef().getKey() + ")");
            }
        }
        var git = space.getSpec().getSource().getGit();
        if (git != null && git.getCredentialsSecret() != null
                && context.getClient().secrets().inNamespace(namespace).withName(git.getCredentialsSecret()).get() == null) {
            missing.add("source.git.credentialsSecret (Secret " + git.getCredentialsSecret() + " does not exist)");
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of("missing secrets: " + String.join(", ", missing));
    }

    private static boolean hasKey(Secret secret, String key) {
        return secret.getData() != null && secret.getData().containsKey(key);
    }

    private void recordTransition(Space space, SpaceStatus next) {
        var wake = next.getLastWake();
        var previousWake = space.getStatus() == null ? null : space.getStatus().getLastWake();
        if (wake != null && wake.getSeconds() != null && (previousWake == null || previousWake.getSeconds() == null)) {
            events.normal(space, "Woke", String.format("Woke in %.1f s after a visitor's request", wake.getSeconds()));
        }
        // A transition is a new stage, or a new reason within it (Starting -> InsufficientCapacity).
        String before = space.getStatus() == null ? null : space.getStatus().getStage() + "/" + readyReason(space.getStatus());
        String after = next.getStage() + "/" + readyReason(next);
        if (after.equals(before)) {
            return;
        }
        Stage stage = Stage.valueOf(next.getStage());
        if (stage.isError() || "InsufficientCapacity".equals(readyReason(next))) {
            events.warning(space, stage.reason(), next.getMessage());
        } else {
            events.normal(space, stage.reason(), next.getMessage());
        }
    }

    private static String readyReason(SpaceStatus status) {
        return status.getConditions() == null ? null : status.getConditions().stream()
                .filter(c -> SpaceStatusCalculator.READY.equals(c.getType())).map(c -> c.getReason()).findFirst().orElse(null);
    }

    /** Status fields the gateway writes (activity, wake requests) are its own and not compared here. */
    private static boolean sameOperatorFields(Context<Space> context, SpaceStatus current, SpaceStatus next) {
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
