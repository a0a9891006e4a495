package dev.spaceport.gateway;

import dev.spaceport.api.Space;
import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.logging.Log;
import java.time.Instant;
import java.util.Map;

/**
 * Writes the gateway's two status fields, lastActivityTime and wakeRequestedAt, as JSON merge
 * patches under the gateway's own field manager. (Server-side apply would drop whichever of the two
 * a write left out; a merge patch touches only what it names, and the operator never writes them.)
 */
class SpaceStatusWriter {

  static final String FIELD_MANAGER = "spaceport-gateway";

  private final KubernetesClient client;

  SpaceStatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /** Blocking: call it off the event loop. False when the Space is gone or the write failed. */
  boolean write(SpaceKey key, String field, Instant value) {
    String patch =
        client
            .getKubernetesSerialization()
            .asJson(Map.of("status", Map.of(field, value.toString())));
    try {
      client
          .resources(Space.class)
          .inNamespace(key.namespace())
          .withName(key.name())
          .subresource("status")
          .patch(
              new PatchContext.Builder()
                  .withPatchType(PatchType.JSON_MERGE)
                  .withFieldManager(FIELD_MANAGER)
                  .build(),
              patch);
      return true;
    } catch (KubernetesClientException e) {
      Log.warnf("could not write status.%s of Space %s: %s", field, key, e.getMessage());
      return false;
    }
  }
}
