package dev.spaceport.operator;

import dev.spaceport.config.SpaceportConfig;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The operator pod's readiness: the operator started and no controller has an unhealthy event
 * source. It replaces quarkus-operator-sdk's own check (turned off in application.properties),
 * which is down whenever the operator is not started, that is in every gateway pod, so no gateway
 * would ever be Ready. Up when this process does not run the operator.
 */
@Readiness
@ApplicationScoped
public class OperatorReadiness implements HealthCheck {

  @Inject SpaceportConfig config;

  @Inject Operator operator;

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("spaceport-operator");
    if (!config.roles().contains(SpaceportConfig.Role.OPERATOR)) {
      return response.up().withData("role", "not in this process").build();
    }
    var runtime = operator.getRuntimeInfo();
    boolean healthy = runtime.isStarted();
    for (RegisteredController<?> controller : runtime.getRegisteredControllers()) {
      var unhealthy = controller.getControllerHealthInfo().unhealthyEventSources();
      if (!unhealthy.isEmpty()) {
        healthy = false;
        response.withData(
            controller.getConfiguration().getName(),
            "unhealthy: " + String.join(", ", unhealthy.keySet()));
      }
    }
    return response.status(healthy).build();
  }
}
