package dev.spaceport.cluster;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.LocalClusterResource;
import dev.spaceport.testing.LocalCommand;
import dev.spaceport.testing.PodAppsScript;
import dev.spaceport.testing.SpaceWaits;
import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestPods;
import dev.spaceport.testing.TestSpaces;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * cluster/pod-apps runs the real ARR-COC app for the pod the operator made from
 * examples/arr-coc-space.yaml (a GPU flavor, variables, a Secret): at the pod's IP and port, with
 * the pod's environment (the secret resolved, never logged), nothing that could phone home, the
 * secret volume's files private, and it stops the app when the pod goes.
 */
@QuarkusTest
@QuarkusTestResource(LocalClusterResource.class)
@ExtendWith(ClusterExtension.class)
class PodAppsIT {

  private static final Pattern START =
      Pattern.compile("start (\\S+) (\\S+):(\\d+) app\\.py \\(pid (\\d+),");
  private static final Pattern SECRET_FILES =
      Pattern.compile("secret volumes /run/secrets written under (\\S+) ");

  @Test
  void realAppRunsWithThePodsEnvironmentAndStopsWhenThePodGoes(
      KubernetesClient client, TestNamespace ns) throws Exception {
    LocalCommand.run(
        List.of(TestCluster.repoRoot().resolve("workloads/arr-coc/venv.sh").toString()));
    try (PodAppsScript podApps = new PodAppsScript(ns.name());
        InputStream example =
            Files.newInputStream(TestCluster.repoRoot().resolve("examples/arr-coc-space.yaml"))) {
      client.load(example).inNamespace(ns.name()).create();
      String token =
          new String(
              java.util.Base64.getDecoder()
                  .decode(
                      client
                          .secrets()
                          .inNamespace(ns.name())
                          .withName("arr-coc-hf-token")
                          .get()
                          .getData()
                          .get("token")),
              StandardCharsets.UTF_8);

      Matcher started =
          await("pod-apps starts app.py")
              .atMost(WAIT)
              .until(
                  () -> START.matcher(podApps.log()),
                  m -> m.find() && podApps.log().contains("listening at"));
      String podName = started.group(1);
      String ip = started.group(2);
      int port = Integer.parseInt(started.group(3));
      Path proc = Path.of("/proc", started.group(4));
      Pod pod = client.pods().inNamespace(ns.name()).withName(podName).get();
      assertThat(ip).isEqualTo(pod.getStatus().getPodIP());
      assertThat(port).isEqualTo(7860);

      Map<String, String> env =
          Arrays.stream(
                  Files.readString(proc.resolve("environ"), StandardCharsets.UTF_8).split("\0"))
              .filter(kv -> kv.contains("="))
              .collect(
                  Collectors.toMap(
                      kv -> kv.substring(0, kv.indexOf('=')),
                      kv -> kv.substring(kv.indexOf('=') + 1),
                      (a, b) -> b));
      String appToken =
          env.remove("HF_TOKEN"); // out of the map, so that no failure message prints it
      // The operator's environment: Hub variables, the Space's variables, the secret (compared, not
      // printed).
      assertThat(env)
          .containsEntry("SPACE_ID", ns.name() + "/arr-coc")
          .containsEntry("ACCELERATOR", "a10g-small")
          .containsEntry("MODEL_REPO_ID", "Qwen/Qwen3-VL-2B-Instruct");
      assertThat(token.equals(appToken)).as("HF_TOKEN is the Secret's value").isTrue();
      // The test world's overrides: bound to the pod IP, and offline although the Space asks for
      // HF_HUB_OFFLINE=0.
      assertThat(env)
          .containsEntry("GRADIO_SERVER_NAME", ip)
          .containsEntry("GRADIO_SERVER_PORT", "7860")
          .containsEntry("HF_HUB_OFFLINE", "1")
          .containsEntry("GRADIO_ANALYTICS_ENABLED", "False");
      assertThat(env.get("HOME")).isNotEqualTo("/home/user");

      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.body()).contains("\"status\":\"ok\"");

      Matcher secretFiles = SECRET_FILES.matcher(podApps.log());
      assertThat(secretFiles.find()).as(podApps.log()).isTrue();
      Path tokenFile = Path.of(secretFiles.group(1), "run/secrets/HF_TOKEN");
      assertThat(Files.readString(tokenFile).equals(token))
          .as("the secret file holds the token")
          .isTrue();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
          .isEqualTo("rw-------");
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile.getParent())))
          .isEqualTo("rwx------");

      // Paused: the operator scales to zero and the pod goes, as when a Space sleeps.
      SpaceWaits.editSpace(
          client,
          ns,
          "arr-coc",
          space -> {
            space.getSpec().setPaused(true);
            return space;
          });
      await("app stopped with its pod")
          .atMost(WAIT)
          .until(() -> podApps.log().contains("stop " + podName) && !Files.exists(proc));
      assertThat(refused(ip, port)).as("nothing listens at the pod's address any more").isTrue();
      String logs = podApps.log() + Files.readString(podApps.logs().resolve(podName + ".log"));
      assertThat(logs.contains(token)).as("a secret value in pod-apps' or the app's log").isFalse();
    }
  }

  private static boolean refused(String ip, int port) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(ip, port), 1000);
      return false;
    } catch (ConnectException e) {
      return true;
    }
  }

  /**
   * A kubelet never gives two live pods one address; if the test world ever did, pod-apps must say
   * so and serve neither, rather than send one pod's visitors to the other's app.
   */
  @Test
  void twoLivePodsWithOneAddressGetNoAppAndAReasonInTheLog(
      KubernetesClient client, TestNamespace ns) throws Exception {
    try (PodAppsScript podApps = new PodAppsScript(ns.name())) {
      for (String name : List.of("first", "second")) {
        client.resource(TestSpaces.gradio(ns.name(), name, "cpu-basic")).create();
        SpaceWaits.awaitStage(client, ns, name, "RUNNING");
      }
      Pod first = TestPods.onlyPod(client, ns, "first");
      Pod second = TestPods.onlyPod(client, ns, "second");
      String ip = first.getStatus().getPodIP();
      await("both apps start")
          .atMost(WAIT)
          .until(() -> podApps.log().split("listening at").length > 2);

      client
          .pods()
          .inNamespace(ns.name())
          .withName(second.getMetadata().getName())
          .editStatus(
              p -> {
                p.getStatus().setPodIP(ip);
                p.getStatus().setPodIPs(List.of(new io.fabric8.kubernetes.api.model.PodIP(ip)));
                return p;
              });

      String firstName = first.getMetadata().getName();
      String secondName = second.getMetadata().getName();
      await("pod-apps refuses the shared address")
          .atMost(WAIT)
          .until(
              () ->
                  podApps
                          .log()
                          .contains(
                              firstName
                                  + ": refused: address "
                                  + ip
                                  + " is also held by "
                                  + ns.name()
                                  + "/"
                                  + secondName)
                      && podApps.log().contains("stop " + firstName));
    }
  }
}
