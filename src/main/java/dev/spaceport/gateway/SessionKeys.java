package dev.spaceport.gateway;

import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.SpaceLabels;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.logging.Log;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The key that signs private Spaces' session cookies, the same in every gateway replica: the
 * configured one, else a Secret beside the gateway's Service that the first replica creates and the
 * others read. Where neither can be (no rights, no such namespace: a developer's machine), a key of
 * this process's own.
 */
final class SessionKeys {

  static final String KEY = "session-key";

  private SessionKeys() {}

  static byte[] load(KubernetesClient client, SpaceportConfig.Gateway config) {
    if (config.sessionKey().isPresent()) {
      return config.sessionKey().get().getBytes(StandardCharsets.UTF_8);
    }
    String service = config.service();
    String namespace = service.substring(0, service.indexOf('/'));
    String name = service.substring(service.indexOf('/') + 1) + "-session";
    try {
      Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
      if (existing == null) {
        try {
          existing = client.resource(secret(namespace, name)).create();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          // Another replica made it first: use theirs.
          existing = client.secrets().inNamespace(namespace).withName(name).get();
        }
      }
      return Base64.getDecoder().decode(existing.getData().get(KEY));
    } catch (KubernetesClientException | NullPointerException e) {
      Log.infof(
          "gateway: no session key in Secret %s/%s (%s): private Spaces' sign-in sessions last as"
              + " long as this process and work on this replica only",
          namespace, name, e.getClass().getSimpleName());
      return random();
    }
  }

  private static Secret secret(String namespace, String name) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withLabels(Map.of(SpaceLabels.MANAGED_BY, SpaceLabels.MANAGER))
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of(KEY, Base64.getEncoder().encodeToString(random())))
        .build();
  }

  private static byte[] random() {
    byte[] key = new byte[48];
    new SecureRandom().nextBytes(key);
    return key;
  }
}
