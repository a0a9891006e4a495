package dev.spaceport.gateway;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static dev.spaceport.testing.SpaceWaits.awaitStage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.api.Space;
import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.LocalClusterResource;
import dev.spaceport.testing.LocalCommand;
import dev.spaceport.testing.PodAppsScript;
import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ARR-COC reference Space as a visitor meets it: examples/arr-coc-cpu-space.yaml applied, the
 * real app (workloads/arr-coc/app.py) run at its pod's IP by cluster/pod-apps with the pod's
 * environment, and headless Chromium, through the gateway, uploading an image, asking a question
 * and getting the heatmap (workloads/arr-coc/tests/browser/submit_image.py, Playwright). The
 * screenshot is kept in target/screenshots/arr-coc.png, the app's log in target/pod-apps/.
 */
@QuarkusTest
@QuarkusTestResource(LocalClusterResource.class)
@ExtendWith(ClusterExtension.class)
class ArrCocBrowserIT {

  /**
   * kwok makes a pod Ready by its own stage, not by probing the app; the real app listens 3 to 7 s
   * after it starts on a busy 2-core machine. The delay holds the pod (so the Space) not Ready
   * until well after, as a readiness probe would, so the gateway does not send a visitor to a
   * closed port.
   */
  static final String READY_DELAY = "20s";

  private static final Path WORKLOAD = TestCluster.repoRoot().resolve("workloads/arr-coc");
  private static final Path TARGET = TestCluster.repoRoot().resolve("target");
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Inject Gateway gateway;

  @Test
  void visitorUploadsAnImageThroughTheGatewayAndGetsTheHeatmap(
      KubernetesClient client, TestNamespace ns) throws Exception {
    // Both venvs first (cached; minutes only the first time), so that neither counts against a wait
    // below.
    LocalCommand.run(List.of(WORKLOAD.resolve("venv.sh").toString()));
    Path browserVenv =
        Path.of(
            LocalCommand.run(
                    List.of(WORKLOAD.resolve("venv.sh").toString(), "requirements-browser.txt"))
                .strip());

    Space space =
        client
            .resources(Space.class)
            .load(TestCluster.repoRoot().resolve("examples/arr-coc-cpu-space.yaml").toFile())
            .item();
    // A custom domain, also served by the gateway (spec.domains); Chromium resolves *.localhost to
    // loopback itself.
    String domain = ns.suffix() + "-arr-coc.spaces.localhost";
    space.getMetadata().setNamespace(ns.name());
    space.getMetadata().setAnnotations(Map.of("pod-ready.stage.kwok.x-k8s.io/delay", READY_DELAY));
    space.getSpec().setDomains(List.of(domain));
    String name = space.getMetadata().getName();

    try (PodAppsScript podApps = new PodAppsScript(ns.name())) {
      long created = System.nanoTime();
      client.resource(space).create();
      awaitStage(client, ns, name, "RUNNING");
      long running = System.nanoTime();
      // Belt and braces on a slow machine: the app answers through the gateway before the visit.
      HttpRequest home =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/"))
              .header("Host", domain)
              .timeout(Duration.ofSeconds(10))
              .build();
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> HTTP.send(home, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
      long answering = System.nanoTime();

      Path screenshot = TARGET.resolve("screenshots/arr-coc.png");
      Files.deleteIfExists(screenshot);
      String url = "http://" + domain + ":" + gateway.port() + "/";
      Path output = podApps.logs().resolve("browser.json");
      Process browser =
          new ProcessBuilder(
                  browserVenv.resolve("bin/python").toString(),
                  WORKLOAD.resolve("tests/browser/submit_image.py").toString(),
                  url,
                  screenshot.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .redirectOutput(output.toFile())
              .start();
      if (!browser.waitFor(3, TimeUnit.MINUTES)) {
        browser.destroyForcibly().waitFor();
      }
      String out = Files.readString(output, StandardCharsets.UTF_8);
      long browsed = System.nanoTime();
      System.out.printf(
          "ArrCocBrowserIT: RUNNING %.1fs after create, gateway 200 %.1fs after RUNNING, browser %.1fs; %s%n",
          (running - created) / 1e9,
          (answering - running) / 1e9,
          (browsed - answering) / 1e9,
          out.strip());

      String context = out + "\n--- pod-apps ---\n" + podApps.log();
      assertThat(browser.exitValue())
          .as("browser script's exit code; its output and pod-apps' log:\n%s", context)
          .isZero();
      JsonObject result = new JsonObject(out.strip());
      assertThat(result.getString("error")).as(context).isNull();
      // The operator's environment reached the real app: SPACE_ID and the cpu-basic flavor's
      // ACCELERATOR.
      assertThat(result.getString("header"))
          .contains("Space " + ns.name() + "/" + name)
          .contains("hardware none");
      JsonObject heatmap = result.getJsonObject("heatmap");
      assertThat(heatmap.getInteger("width")).isEqualTo(512);
      assertThat(heatmap.getInteger("height")).isEqualTo(512);
      // Gradio built the file's URL from the gateway's X-Forwarded-Host: the browser fetched it
      // through the gateway.
      assertThat(heatmap.getString("src"))
          .startsWith("http://" + domain + ":" + gateway.port() + "/gradio_api/file=");
      assertThat(result.getString("answer")).contains("visual tokens over 1024 patches");
      assertThat(screenshot).isNotEmptyFile();
    }
  }
}
