package dev.spaceport.operator;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * What the workflow's dependents build from besides the Space: the flavor it runs on and why when
 * that is a fallback (null otherwise), since when it sleeps (null when awake) and the gateway's
 * addresses. The reconciler decides them once per reconcile.
 */
record SpaceWorkflowInputs(
    HardwareFlavor flavor,
    String fallbackReason,
    String sleepingSince,
    GatewayEndpoints.Addresses gateway) {

  private static final String KEY = "spaceport.workflow-inputs";

  void putInto(Context<Space> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  static SpaceWorkflowInputs of(Context<Space> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(KEY, SpaceWorkflowInputs.class);
  }
}
