package dev.spaceport.operator;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * What the workflow's dependents build from besides the Space: its flavor, since when it sleeps
 * (null when awake) and the gateway's addresses. The reconciler decides them once per reconcile.
 */
record SpaceWorkflowInputs(
    HardwareFlavor flavor, String sleepingSince, GatewayEndpoints.Addresses gateway) {

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
