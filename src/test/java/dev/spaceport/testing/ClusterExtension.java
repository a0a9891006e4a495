package dev.spaceport.testing;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each cluster test a {@link KubernetesClient} for the {@link TestCluster} and a fresh {@link
 * TestNamespace}, deleted after the test. When a test fails, the namespace's pods and events are
 * printed first, so the failure explains itself.
 */
public final class ClusterExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(ClusterExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    KubernetesClient client = TestCluster.get().client();
    String name = namespaceName(context);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("spaceport.dev/test", "true")
                .endMetadata()
                .build())
        .create();
    // Pods are refused until the controller-manager has made the namespace's default service
    // account.
    Awaitility.await("service account default in " + name)
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.serviceAccounts().inNamespace(name).withName("default").get() != null);
    context.getStore(STORE).put(TestNamespace.class, new TestNamespace(name));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestNamespace namespace = context.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
    if (namespace == null) {
      return;
    }
    KubernetesClient client = TestCluster.get().client();
    if (context.getExecutionException().isPresent()) {
      dump(client, namespace.name());
    }
    client.namespaces().withName(namespace.name()).delete();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class || type == TestNamespace.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.getParameter().getType() == KubernetesClient.class) {
      return TestCluster.get().client();
    }
    return context.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
  }

  private static String namespaceName(ExtensionContext context) {
    String test =
        (context.getRequiredTestClass().getSimpleName()
                + "-"
                + context.getRequiredTestMethod().getName())
            .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9-]", "-");
    String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    return (test.length() > 56 ? test.substring(0, 56) : test).replaceAll("-+$", "") + "-" + suffix;
  }

  private static void dump(KubernetesClient client, String namespace) {
    System.err.println("==== namespace " + namespace + ": pods ====");
    for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
      System.err.println(Serialization.asYaml(pod.getStatus()));
    }
    System.err.println("==== namespace " + namespace + ": spaces ====");
    client
        .genericKubernetesResources("spaceport.dev/v1alpha1", "Space")
        .inNamespace(namespace)
        .list()
        .getItems()
        .forEach(
            space ->
                System.err.println(
                    space.getMetadata().getName()
                        + ":\n"
                        + Serialization.asYaml(space.getAdditionalProperties().get("status"))));
    System.err.println("==== namespace " + namespace + ": events ====");
    client.v1().events().inNamespace(namespace).list().getItems().stream()
        .sorted(
            Comparator.comparing(
                Event::getLastTimestamp, Comparator.nullsFirst(Comparator.naturalOrder())))
        .forEach(
            e ->
                System.err.printf(
                    "%s %s %s/%s: %s%n",
                    e.getType(),
                    e.getReason(),
                    e.getInvolvedObject().getKind(),
                    e.getInvolvedObject().getName(),
                    e.getMessage()));
  }
}
