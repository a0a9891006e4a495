package dev.spaceport.testing;

import dev.spaceport.api.Sdk;
import dev.spaceport.api.SecretKeyReference;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceSecret;
import dev.spaceport.api.SpaceSource;
import dev.spaceport.api.SpaceSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;

/** Spaces for tests; kwok never pulls their image. */
public final class TestSpaces {

  public static final String IMAGE = "registry.spaceport.test/demo:1.0";

  private TestSpaces() {}

  public static Space gradio(String namespace, String name, String hardware) {
    SpaceSource source = new SpaceSource();
    source.setImage(IMAGE);
    SpaceSpec spec = new SpaceSpec();
    spec.setSdk(Sdk.GRADIO);
    spec.setSource(source);
    spec.setHardware(hardware);
    Space space = new Space();
    space.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    space.setSpec(spec);
    return space;
  }

  public static Space withSecret(Space space, String env, String secretName, String key) {
    SecretKeyReference ref = new SecretKeyReference();
    ref.setName(secretName);
    ref.setKey(key);
    SpaceSecret secret = new SpaceSecret();
    secret.setName(env);
    secret.setSecretRef(ref);
    space.getSpec().setSecrets(List.of(secret));
    return space;
  }

  public static Space annotated(Space space, Map<String, String> annotations) {
    space.getMetadata().setAnnotations(annotations);
    return space;
  }
}
