package dev.spaceport.gateway;

import dev.spaceport.config.SpaceportConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The gateway pod's readiness (/q/health/ready, the chart's probe): listening, and both informers
 * have listed, so a new pod in a rolling update answers no known host with 404. Up when this
 * process does not run the gateway.
 */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {

  @Inject SpaceportConfig config;

  @Inject Gateway gateway;

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("spaceport-gateway");
    if (!config.roles().contains(SpaceportConfig.Role.GATEWAY)) {
      return response.up().withData("role", "not in this process").build();
    }
    return response.status(gateway.ready()).build();
  }
}
