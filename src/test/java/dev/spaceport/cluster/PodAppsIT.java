package dev.spaceport.cluster;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.api.GitSource;
import dev.spaceport.api.Sdk;
import dev.spaceport.api.Space;
import dev.spaceport.rules.SpaceLabels;
import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.GitRepos;
import dev.spaceport.testing.LocalClusterResource;
import dev.spaceport.testing.LocalCommand;
import dev.spaceport.testing.PodAppsScript;
import dev.spaceport.testing.SpaceWaits;
import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestPods;
import dev.spaceport.testing.TestSpaces;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * cluster/pod-apps runs the real ARR-COC app for the pod the operator made from
 * examples/arr-coc-space.yaml (a GPU flavor, variables, a Secret): at the pod's IP and port, with
 * the pod's environment (the secret resolved, never logged), nothing that could phone home, the
 * secret volume's files private, and it stops the app when the pod goes. A git Space's pod (the
 * git-clone init container, a runtime image) runs its repository's revision as the runtime image
 * would, cloned with the pod's credentials, and only from this machine.
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

  /** A cold venv build downloads gradio and its dependencies (about a minute here). */
  private static final Duration GIT_APP_WAIT = Duration.ofMinutes(6);

  private static final String GIT_IMAGE = "ghcr.io/spaceport-dev/git-clone:0.1.0";
  private static final String GRADIO_IMAGE = "ghcr.io/spaceport-dev/runtime-gradio:0.1.0";
  // Any registry and tag: pod-apps goes by the repository's last segment.
  private static final String STATIC_IMAGE = "registry.spaceport.test/mirror/runtime-static:9.9";
  private static final String TOKEN_FILE = "/var/run/secrets/spaceport/git-token/token";
  private static final String AUDIENCE = "spaceport-hub";

  /**
   * The pods of a rollout each run their own revision: each clones into a folder of its own, the
   * requirements go into a cached venv with gradio, and app.py listens at the pod's IP and port.
   */
  @Test
  void gitGradioSpacePodsEachRunTheirOwnRevision(
      KubernetesClient client, TestNamespace ns, @TempDir Path dir) throws Exception {
    Map<String, Map<String, String>> revisions = new LinkedHashMap<>();
    for (String v : List.of("v1", "v2")) {
      revisions.put(
          v, Map.of("app.py", gradioApp("spaceport-marker-" + v), "requirements.txt", "six\n"));
    }
    Path repo = GitRepos.bare(dir, "demo", revisions);
    awaitDefaultServiceAccount(client, ns);
    try (PodAppsScript podApps = new PodAppsScript(ns.name())) {
      for (String v : List.of("v1", "v2")) {
        // The second pod comes while the first runs, as in a rolling update.
        String pod = "demo-" + v;
        client
            .resource(
                gitPod(
                    ns,
                    pod,
                    GRADIO_IMAGE,
                    7860,
                    List.of(env("GIT_URL", "file://" + repo), env("GIT_REVISION", v)),
                    List.of(
                        env("SPACE_APP_FILE", "app.py"),
                        env("GRADIO_SERVER_NAME", "0.0.0.0"),
                        env("GRADIO_SERVER_PORT", "7860"))))
            .create();
        String ip = awaitListening(client, ns, podApps, pod);
        assertThat(get(ip, 7860, "/config")).contains("spaceport-marker-" + v);
        assertThat(Files.readString(podApps.logs().resolve(pod + ".log")))
            .as("app.py printed its marker, with the package from requirements.txt")
            .containsPattern("spaceport-marker-" + v + " with six \\d");
      }
      String first =
          client.pods().inNamespace(ns.name()).withName("demo-v1").get().getStatus().getPodIP();
      assertThat(get(first, 7860, "/config"))
          .as("the first pod still serves its own revision")
          .contains("spaceport-marker-v1")
          .doesNotContain("spaceport-marker-v2");
      assertThat(podApps.log())
          .as("the second pod found the venv the first one's requirements made")
          .containsPattern("demo-v2: venv pod-apps-\\w+ cached");
    }
  }

  /**
   * Static Spaces are served from their clone; a private repository is cloned with the Space's
   * credentials Secret, or with a service-account token minted for the git-token volume's audience
   * (sent as HTTP Basic password, never logged); a URL off this machine is refused and a clone that
   * fails is tried three times, the app never started.
   */
  @Test
  void gitStaticSpacesCloneWithThePodsCredentialsAndOnlyFromThisMachine(
      KubernetesClient client, TestNamespace ns, @TempDir Path dir) throws Exception {
    Path site =
        GitRepos.bare(dir, "site", Map.of("v1", Map.of("index.html", page("spaceport-site"))));
    Path served = Files.createDirectories(dir.resolve("served"));
    GitRepos.bare(
        served, "private", Map.of("v1", Map.of("index.html", page("spaceport-private-site"))));
    GitRepos.bare(served, "team", Map.of("v1", Map.of("index.html", page("spaceport-team-site"))));
    String password = "pw-" + ns.suffix();
    String account = "system:serviceaccount:" + ns.name() + ":default";
    awaitDefaultServiceAccount(client, ns);
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("git-credentials")
                .withNamespace(ns.name())
                .endMetadata()
                .withStringData(Map.of("username", "alice", "password", password))
                .build())
        .create();
    Predicate<String> accepted =
        credentials ->
            credentials.equals("alice:" + password)
                || (credentials.startsWith("spaceport:")
                    && account.equals(
                        reviewedUser(client, credentials.substring("spaceport:".length()))));

    try (GitRepos.Server server = new GitRepos.Server(served, accepted);
        PodAppsScript podApps = new PodAppsScript(ns.name())) {
      List<EnvVar> staticEnv = List.of(env("SPACE_APP_FILE", "app.py"), env("PORT", "8080"));
      client
          .resource(
              gitPod(
                  ns,
                  "site",
                  STATIC_IMAGE,
                  8080,
                  List.of(env("GIT_URL", "file://" + site)),
                  staticEnv))
          .create();
      Pod withToken =
          gitPod(
              ns,
              "private",
              STATIC_IMAGE,
              8080,
              List.of(env("GIT_URL", server.url("private")), env("GIT_TOKEN_FILE", TOKEN_FILE)),
              staticEnv);
      client.resource(withGitToken(withToken)).create();
      List<EnvVar> teamGit = new ArrayList<>(List.of(env("GIT_URL", server.url("team"))));
      for (String key : List.of("username", "password")) {
        teamGit.add(
            new EnvVarBuilder()
                .withName("GIT_" + key.toUpperCase())
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName("git-credentials")
                .withKey(key)
                .withOptional(true)
                .endSecretKeyRef()
                .endValueFrom()
                .build());
      }
      client.resource(gitPod(ns, "team", STATIC_IMAGE, 8080, teamGit, staticEnv)).create();
      client
          .resource(
              gitPod(
                  ns,
                  "outside",
                  STATIC_IMAGE,
                  8080,
                  List.of(env("GIT_URL", "https://example.com/spaces/site.git")),
                  staticEnv))
          .create();
      client
          .resource(
              gitPod(
                  ns,
                  "missing",
                  STATIC_IMAGE,
                  8080,
                  List.of(env("GIT_URL", "file://" + dir.resolve("missing.git"))),
                  staticEnv))
          .create();

      // And a Space, so that the pod is the operator's own (SpacePodTemplate): git-clone with the
      // credentials Secret's keys, the static runtime image, SPACE_APP_FILE=app.py, port 8080.
      Space space = TestSpaces.gradio(ns.name(), "hubsite", "cpu-basic");
      GitSource git = new GitSource();
      git.setUrl(server.url("team"));
      git.setCredentialsSecret("git-credentials");
      space.getSpec().setSdk(Sdk.STATIC);
      space.getSpec().getSource().setImage(null);
      space.getSpec().getSource().setGit(git);
      client.resource(space).create();
      String hubsite =
          await("the Space's pod")
              .atMost(WAIT)
              .until(() -> TestPods.ofSpace(client, ns, "hubsite"), pods -> pods.size() == 1)
              .get(0)
              .getMetadata()
              .getName();

      Map<String, String> markers =
          Map.of(
              "site",
              "spaceport-site",
              "private",
              "spaceport-private-site",
              "team",
              "spaceport-team-site",
              hubsite,
              "spaceport-team-site");
      for (var pod : markers.entrySet()) {
        String ip = awaitListening(client, ns, podApps, pod.getKey());
        assertThat(get(ip, 8080, "/")).contains("<h1>" + pod.getValue() + "</h1>");
      }
      await("the URL off this machine refused, the failing clone given up")
          .atMost(WAIT)
          .until(
              () ->
                  podApps.log().contains("missing: git-clone failed")
                      && podApps.log().contains("attempt 3/3")
                      && podApps.log().contains("outside: git-clone refused"));
      assertThat(podApps.log())
          .contains(
              "outside: git-clone refused: GIT_URL https://example.com/spaces/site.git is not a"
                  + " loopback address")
          .containsPattern(
              "missing: git-clone failed \\(exit code \\d+, attempt 3/3; .*app not started")
          .doesNotContain("missing: running", "outside: running");
      String outside =
          client.pods().inNamespace(ns.name()).withName("outside").get().getStatus().getPodIP();
      assertThat(refused(outside, 8080)).as("no app for the refused pod").isTrue();

      List<String> tokens =
          server.received().stream()
              .filter(c -> c.startsWith("spaceport:"))
              .map(c -> c.substring("spaceport:".length()))
              .distinct()
              .toList();
      assertThat(tokens).as("one token, sent with the private clone's requests").hasSize(1);
      TokenReview review = review(client, tokens.get(0));
      assertThat(review.getStatus().getUser().getExtra())
          .as("bound to the pod, as a kubelet's projected token is")
          .containsEntry("authentication.kubernetes.io/pod-name", List.of("private"));
      String logs = podApps.log();
      for (String pod : List.of("site", "private", "team", "missing", hubsite)) {
        logs += Files.readString(podApps.logs().resolve(pod + ".log"));
      }
      assertThat(logs.contains(tokens.get(0))).as("the token in a log").isFalse();
      assertThat(logs.contains(password)).as("the password in a log").isFalse();
    }
  }

  private static String gradioApp(String marker) {
    return """
        import gradio as gr
        import six

        MARKER = "%s"
        print(f"{MARKER} with six {six.__version__}", flush=True)
        with gr.Blocks() as demo:
            gr.Markdown(MARKER)
        demo.launch()
        """
        .formatted(marker);
  }

  private static String page(String marker) {
    return "<!doctype html><title>" + marker + "</title><h1>" + marker + "</h1>\n";
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  /** A pod as the operator makes one for a git Space (SpacePodTemplate), in what pod-apps reads. */
  private static Pod gitPod(
      TestNamespace ns,
      String name,
      String image,
      int port,
      List<EnvVar> gitEnv,
      List<EnvVar> appEnv) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(ns.name())
        .withName(name)
        .withLabels(Map.of(SpaceLabels.MANAGED_BY, SpaceLabels.MANAGER, SpaceLabels.SPACE, name))
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .addNewInitContainer()
        .withName("git-clone")
        .withImage(GIT_IMAGE)
        .withEnv(gitEnv)
        .endInitContainer()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .addNewPort()
        .withName("http")
        .withContainerPort(port)
        .endPort()
        .withEnv(appEnv)
        .endContainer()
        .endSpec()
        .build();
  }

  /** The git-token volume: a projected service-account token for the Hub's audience. */
  private static Pod withGitToken(Pod pod) {
    return new PodBuilder(pod)
        .editSpec()
        .editFirstInitContainer()
        .addNewVolumeMount()
        .withName("git-token")
        .withMountPath(TOKEN_FILE.substring(0, TOKEN_FILE.lastIndexOf('/')))
        .withReadOnly(true)
        .endVolumeMount()
        .endInitContainer()
        .addNewVolume()
        .withName("git-token")
        .withNewProjected()
        .addNewSource()
        .withNewServiceAccountToken()
        .withAudience(AUDIENCE)
        .withExpirationSeconds(600L)
        .withPath("token")
        .endServiceAccountToken()
        .endSource()
        .endProjected()
        .endVolume()
        .endSpec()
        .build();
  }

  /**
   * The ServiceAccount admission plugin refuses pods until the namespace's default account exists.
   */
  private static void awaitDefaultServiceAccount(KubernetesClient client, TestNamespace ns) {
    await("the namespace's default service account")
        .atMost(WAIT)
        .until(
            () ->
                client.serviceAccounts().inNamespace(ns.name()).withName("default").get() != null);
  }

  /** The pod's IP once pod-apps says its app listens; fails as soon as it says it never will. */
  private static String awaitListening(
      KubernetesClient client, TestNamespace ns, PodAppsScript podApps, String pod) {
    Pattern listening =
        Pattern.compile(Pattern.quote(pod) + ": \\S+( \\S+)? listening at (\\S+):\\d+");
    await(pod + "'s app listens")
        .atMost(GIT_APP_WAIT)
        .until(
            () ->
                listening.matcher(podApps.log()).find()
                    || podApps.log().contains(pod + ": git-clone failed")
                    || podApps.log().contains(pod + ": app not started")
                    || podApps.log().contains(pod + ": the repository has no"));
    Matcher matcher = listening.matcher(podApps.log());
    assertThat(matcher.find()).as(podApps.log()).isTrue();
    String ip = client.pods().inNamespace(ns.name()).withName(pod).get().getStatus().getPodIP();
    assertThat(matcher.group(2)).isEqualTo(ip);
    return ip;
  }

  private static String get(String ip, int port, String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.body();
  }

  private static TokenReview review(KubernetesClient client, String token) {
    return client
        .authentication()
        .v1()
        .tokenReviews()
        .create(
            new TokenReviewBuilder()
                .withNewSpec()
                .withToken(token)
                .withAudiences(AUDIENCE)
                .endSpec()
                .build());
  }

  /** Whom the apiserver says the token is for, in the Hub's audience; null when not valid there. */
  private static String reviewedUser(KubernetesClient client, String token) {
    TokenReview review = review(client, token);
    return Boolean.TRUE.equals(review.getStatus().getAuthenticated())
        ? review.getStatus().getUser().getUsername()
        : null;
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
