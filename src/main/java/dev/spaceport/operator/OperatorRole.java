package dev.spaceport.operator;

import dev.spaceport.config.SpaceportConfig;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Starts the operator when this process has the operator role (the same image also runs the
 * gateway).
 */
@ApplicationScoped
public class OperatorRole {

  @Inject Operator operator;

  @Inject SpaceportConfig config;

  void onStart(@Observes StartupEvent event) {
    if (config.roles().contains(SpaceportConfig.Role.OPERATOR)) {
      operator.start();
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (config.roles().contains(SpaceportConfig.Role.OPERATOR)) {
      operator.stop();
    }
  }
}
