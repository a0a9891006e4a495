package dev.spaceport.gateway;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static dev.spaceport.testing.SpaceWaits.awaitStage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.api.Space;
import dev.spaceport.api.Visibility;
import dev.spaceport.rules.SpaceHosts;
import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.LocalClusterResource;
import dev.spaceport.testing.PodApps;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestSpaces;
import dev.spaceport.testing.TestUsers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Private Spaces (spec.visibility: private) at the gateway: a visitor needs a Kubernetes token
 * whose user RBAC lets get the Space, as a Bearer header (programs) or through the sign-in page and
 * its cookie (browsers). Everyone else sees exactly what an unknown host shows.
 */
@QuarkusTest
@QuarkusTestResource(LocalClusterResource.class)
@ExtendWith(ClusterExtension.class)
class PrivateSpacesIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Inject Gateway gateway;

  private static String host(TestNamespace ns, String name) {
    return SpaceHosts.label(ns.name(), name) + ".spaces.localhost";
  }

  private HttpResponse<String> get(String host, String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(60));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A service account whose user may get Spaces in {@code ns}, or nothing. */
  private static String token(
      KubernetesClient client, TestNamespace ns, String name, boolean viewer) {
    return TestUsers.token(client, ns.name(), name, ns.name(), viewer ? List.of("get") : List.of());
  }

  private void startPrivate(KubernetesClient client, TestNamespace ns, String name) {
    Space space = PodApps.readyAfterListening(TestSpaces.gradio(ns.name(), name, null));
    space.getSpec().setSleepTime("never");
    space.getSpec().setVisibility(Visibility.PRIVATE);
    client.resource(space).create();
    awaitStage(client, ns, name, "RUNNING");
  }

  @Test
  void privateSpaceServesOnlyTokensRbacAllowsAndLooksUnknownToEveryoneElse(
      KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      String alice = token(client, ns, "alice", true);
      String bob = token(client, ns, "bob", false);
      startPrivate(client, ns, "hidden");
      String host = host(ns, "hidden");
      await().atMost(WAIT).until(() -> get(host, "/", alice).statusCode() == 200);

      HttpResponse<String> unknown = get("nobody-here.spaces.localhost", "/", null);
      assertThat(unknown.statusCode()).isEqualTo(404);
      for (String token : new String[] {null, bob, "not-a-token"}) {
        for (String path : List.of("/", GatewayPages.STATUS_PATH, "/config")) {
          HttpResponse<String> refused = get(host, path, token);
          assertThat(refused.statusCode())
              .as("%s with %s", path, token == null ? "no token" : "a token")
              .isEqualTo(404);
          assertThat(refused.body()).isEqualTo(unknown.body());
        }
      }

      JsonObject echo = new JsonObject(get(host, "/config", alice).body());
      assertThat(echo.getJsonObject("headers").containsKey("authorization"))
          .as("the app never sees its visitors' Kubernetes tokens")
          .isFalse();
    }
  }

  @Test
  void browserSignsInWithATokenAndGetsAnHttpOnlyCookieForThatSpaceOnly(
      KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodApps apps = new PodApps(client, ns.name())) {
      String alice = token(client, ns, "alice", true);
      startPrivate(client, ns, "browsed");
      startPrivate(client, ns, "other");
      String base = "http://" + host(ns, "browsed") + ":" + gateway.port();
      await().atMost(WAIT).until(() -> get(host(ns, "browsed"), "/", alice).statusCode() == 200);

      try (ChromiumDevTools chromium = new ChromiumDevTools()) {
        chromium.navigate(base + "/from-a-browser");
        assertThat(chromium.evaluate("document.body.innerText")).contains("No Space here");

        chromium.navigate(base + VisitorAccess.SIGN_IN_PATH + "?next=/from-a-browser");
        chromium.evaluate(
            "document.querySelector('input[name=token]').value = "
                + new JsonObject().put("t", alice).encode()
                + ".t;"
                + " document.querySelector('form').submit(); 'sent'");
        await()
            .atMost(WAIT)
            .ignoreExceptions()
            .until(
                () ->
                    chromium
                        .evaluate("document.body.innerText")
                        .contains("\"path\":\"/from-a-browser\""));
        assertThat(chromium.evaluate("document.cookie"))
            .as("the session cookie is HttpOnly: no script reads it")
            .doesNotContain(SessionCookies.NAME);
        assertThat(chromium.evaluate("document.body.innerText"))
            .as("neither the token nor the cookie reach the app")
            .doesNotContain(alice)
            .doesNotContain(SessionCookies.NAME);

        chromium.navigate("http://" + host(ns, "other") + ":" + gateway.port() + "/");
        assertThat(chromium.evaluate("document.body.innerText"))
            .as("the cookie is for the Space signed in to, not its neighbours")
            .contains("No Space here");
      }
    }
  }
}
