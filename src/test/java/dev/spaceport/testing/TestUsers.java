package dev.spaceport.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * Users as a cluster has them: service accounts with tokens from the TokenRequest API, and what
 * each may do on Spaces granted by a Role, as an admin would with RBAC.
 */
public final class TestUsers {

  private TestUsers() {}

  /**
   * A user (service account {@code name} in {@code home}) with these verbs on Spaces in {@code ns}.
   */
  public static String token(
      KubernetesClient client, String home, String name, String ns, List<String> verbs) {
    if (client.namespaces().withName(home).get() == null) {
      client
          .resource(new NamespaceBuilder().withNewMetadata().withName(home).endMetadata().build())
          .create();
    }
    client
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withNamespace(home)
                .withName(name)
                .endMetadata()
                .build())
        .serverSideApply();
    if (!verbs.isEmpty()) {
      String role = "hub-test-" + name;
      client
          .resource(
              new RoleBuilder()
                  .withNewMetadata()
                  .withNamespace(ns)
                  .withName(role)
                  .endMetadata()
                  .withRules(
                      new PolicyRuleBuilder()
                          .withApiGroups("spaceport.dev")
                          .withResources("spaces")
                          .withVerbs(verbs)
                          .build())
                  .build())
          .serverSideApply();
      client
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withNamespace(ns)
                  .withName(role)
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "Role", role)
                  .addNewSubject()
                  .withKind("ServiceAccount")
                  .withName(name)
                  .withNamespace(home)
                  .endSubject()
                  .build())
          .serverSideApply();
    }
    return client
        .serviceAccounts()
        .inNamespace(home)
        .withName(name)
        .tokenRequest(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus()
        .getToken();
  }
}
