package dev.spaceport.operator;

import dev.spaceport.api.Space;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;

/**
 * Records Kubernetes Events on a Space (what {@code kubectl describe space} shows). Written by
 * hand: Fabric8 and JOSDK have no event recorder. A failed write is logged, never fatal.
 */
@ApplicationScoped
public class SpaceEvents {

  static final String COMPONENT = "spaceport-operator";

  @Inject KubernetesClient client;

  public void normal(Space space, String reason, String message) {
    record(space, "Normal", reason, message);
  }

  public void warning(Space space, String reason, String message) {
    record(space, "Warning", reason, message);
  }

  private void record(Space space, String type, String reason, String message) {
    String now = Instant.now().toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(space.getMetadata().getName() + ".")
            .withNamespace(space.getMetadata().getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(space.getApiVersion())
                    .withKind(space.getKind())
                    .withNamespace(space.getMetadata().getNamespace())
                    .withName(space.getMetadata().getName())
                    .withUid(space.getMetadata().getUid())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().inNamespace(space.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      Log.warnf(
          "could not record event %s on %s/%s: %s",
          reason,
          space.getMetadata().getNamespace(),
          space.getMetadata().getName(),
          e.getMessage());
    }
  }
}
