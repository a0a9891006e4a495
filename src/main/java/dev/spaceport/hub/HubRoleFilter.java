package dev.spaceport.hub;

import dev.spaceport.config.SpaceportConfig;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** The hub's endpoints answer only in a process with the hub role; elsewhere they do not exist. */
class HubRoleFilter {

  // Looked up per request: Quarkus REST creates its filters before runtime configuration exists.
  @Inject Instance<SpaceportConfig> config;

  @ServerRequestFilter(preMatching = true)
  Response onlyInTheHubRole(ContainerRequestContext request) {
    if (config.get().roles().contains(SpaceportConfig.Role.HUB)) {
      return null;
    }
    return HubErrorMapper.response(404, null, "Not Found", Map.of());
  }
}
