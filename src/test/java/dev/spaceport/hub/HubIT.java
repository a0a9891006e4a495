package dev.spaceport.hub;

import static dev.spaceport.testing.SpaceWaits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spaceport.api.Space;
import dev.spaceport.testing.ClusterExtension;
import dev.spaceport.testing.LocalClusterResource;
import dev.spaceport.testing.LocalCommand;
import dev.spaceport.testing.SpaceWaits;
import dev.spaceport.testing.TestCluster;
import dev.spaceport.testing.TestNamespace;
import dev.spaceport.testing.TestSpaces;
import dev.spaceport.testing.TestUsers;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hub role on the local control plane, judged by the tools users bring: the Hub's own Python
 * client (newest 2.x and 1.x, each in its own venv) and the git CLI. Users are service accounts
 * whose rights on Spaces are Roles, as in any cluster.
 */
@QuarkusTest
@QuarkusTestResource(LocalClusterResource.class)
@ExtendWith(ClusterExtension.class)
class HubIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private static final List<String> EDIT =
      List.of("get", "list", "watch", "create", "update", "patch", "delete");

  private static final Path CLIENT_SUITE =
      TestCluster.repoRoot().resolve("src/test/python/hub_client/run.sh");

  @TestHTTPResource("/")
  URL hub;

  private String endpoint() {
    return hub.toString().replaceAll("/+$", "");
  }

  @Test
  void huggingfaceHubClient2RunsTheSpacesScriptsAgainstTheHub(
      KubernetesClient client, TestNamespace ns) throws Exception {
    runClientSuite(client, ns, "2");
  }

  @Test
  void huggingfaceHubClient1RunsTheSpacesScriptsAgainstTheHub(
      KubernetesClient client, TestNamespace ns) throws Exception {
    runClientSuite(client, ns, "1");
  }

  private void runClientSuite(KubernetesClient client, TestNamespace ns, String line)
      throws Exception {
    String alice = TestUsers.token(client, ns.name(), "alice", ns.name(), EDIT);
    String bob = TestUsers.token(client, ns.name(), "bob", ns.name(), List.of());
    Path log = Files.createTempFile("hub-client-" + line + "-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder("bash", CLIENT_SUITE.toString(), line, "--tb=long")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("HF_ENDPOINT", endpoint());
    env.put("HF_TOKEN", alice);
    env.put("SPACEPORT_OWNER", ns.name());
    env.put("SPACEPORT_OTHER_TOKEN", bob);
    env.put("SPACEPORT_HARDWARE", "t4-small");
    env.put("SPACEPORT_OTHER_HARDWARE", "cpu-upgrade");
    env.put("SPACEPORT_WAIT_SECONDS", String.valueOf(WAIT.toSeconds()));
    Process suite = builder.start();
    boolean finished = suite.waitFor(15, TimeUnit.MINUTES);
    if (!finished) {
      suite.destroyForcibly();
    }
    String output = Files.readString(log);
    Files.deleteIfExists(log);
    assertThat(finished).as("the client suite ends by itself").isTrue();
    assertThat(suite.exitValue()).as(output).isZero();
    assertThat(output).contains("passed").doesNotContain("skipped");
    assertThat(output).as("a token never shows in the client's output").doesNotContain(alice);
  }

  @Test
  void gitPushRollsTheSpaceToTheNewRevisionAndOnlyEditorsMayPush(
      KubernetesClient client, TestNamespace ns) throws Exception {
    String alice = TestUsers.token(client, ns.name(), "alice", ns.name(), EDIT);
    String viewer = TestUsers.token(client, ns.name(), "viewer", ns.name(), List.of("get", "list"));
    String bob = TestUsers.token(client, ns.name(), "bob", ns.name(), List.of());
    create(alice, ns, "pushed");
    Path work = Files.createTempDirectory("hub-git-");
    String url = endpoint() + "/spaces/" + ns.name() + "/pushed";

    assertThat(git(work, null, "clone", url, "anonymous").exit())
        .as("without a token git is asked for one")
        .isNotZero();
    assertThat(git(work, bob, "clone", url, "bob").err()).contains("not found");

    assertThat(git(work, alice, "clone", url, "app").exit()).isZero();
    Path app = work.resolve("app");
    Files.writeString(app.resolve("app.py"), "import gradio as gr\n");
    Files.writeString(
        app.resolve("README.md"),
        "---\ntitle: Pushed\nsdk: gradio\napp_file: app.py\napp_port: 7861\n---\n");
    git(app, null, "add", "-A");
    git(
        app,
        null,
        "-c",
        "user.name=alice",
        "-c",
        "user.email=a@example.com",
        "commit",
        "-qm",
        "app");
    String sha = git(app, null, "rev-parse", "HEAD").out().trim();

    assertThat(git(app, viewer, "push", "origin", "HEAD:main").err())
        .as("get on the Space is not enough to push")
        .contains("403");
    LocalResult pushed = git(app, alice, "push", "origin", "HEAD:main");
    assertThat(pushed.exit()).as(pushed.err()).isZero();

    Space space = client.resources(Space.class).inNamespace(ns.name()).withName("pushed").get();
    assertThat(space.getSpec().getSource().getGit().getRevision()).isEqualTo(sha);
    assertThat(space.getSpec().getAppPort()).isEqualTo(7861);
    assertThat(space.getSpec().getTitle()).isEqualTo("Pushed");
    await("the Space's pod clones the pushed revision")
        .atMost(WAIT)
        .until(() -> podRevisions(client, ns, "pushed").contains(sha));
    Pod pod =
        client
            .pods()
            .inNamespace(ns.name())
            .withLabel("spaceport.dev/space", "pushed")
            .list()
            .getItems()
            .stream()
            .filter(p -> revision(p).equals(sha))
            .findFirst()
            .orElseThrow();
    assertThat(pod.getSpec().getVolumes())
        .filteredOn(v -> v.getProjected() != null)
        .singleElement()
        .satisfies(
            v ->
                assertThat(
                        v.getProjected().getSources().get(0).getServiceAccountToken().getAudience())
                    .isEqualTo("spaceport-hub"));

    // What the kubelet mints for the pod: the namespace's service account, the hub's audience.
    String cloneToken =
        client
            .serviceAccounts()
            .inNamespace(ns.name())
            .withName("default")
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withAudiences("spaceport-hub")
                    .withExpirationSeconds(600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    LocalResult cloned = git(work, cloneToken, "clone", url, "pod");
    assertThat(cloned.exit()).as(cloned.err()).isZero();
    assertThat(git(work.resolve("pod"), null, "rev-parse", "HEAD").out().trim()).isEqualTo(sha);
    assertThat(get("/api/whoami-v2", cloneToken).statusCode())
        .as("a clone token is good for cloning only")
        .isEqualTo(401);
  }

  @Test
  void commitPathsThatLeaveTheRepositoryAreRefusedAndChangeNothing(
      KubernetesClient client, TestNamespace ns) throws Exception {
    String alice = TestUsers.token(client, ns.name(), "alice", ns.name(), EDIT);
    create(alice, ns, "paths");
    String head = info(alice, ns, "paths").getString("sha");
    for (String path :
        List.of(
            "../escape.py",
            "/etc/passwd",
            ".git/config",
            "a/.git/hooks/x",
            "a\u0000b",
            "a\\..\\b")) {
      HttpResponse<String> r = commit(alice, ns, "paths", List.of(fileLine(path, "x")));
      assertThat(r.statusCode()).as(path).isEqualTo(400);
      assertThat(r.headers().firstValue("X-Error-Message").orElse("")).contains("Invalid path");
    }
    assertThat(info(alice, ns, "paths").getString("sha")).isEqualTo(head);

    HttpResponse<String> ok =
        commit(alice, ns, "paths", List.of(fileLine("src/app.py", "print(1)")));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getString("commitUrl"))
        .startsWith(endpoint() + "/spaces/" + ns.name() + "/paths/commit/");
  }

  @Test
  void commitLargerThanTheLimitGets413(KubernetesClient client, TestNamespace ns) throws Exception {
    String alice = TestUsers.token(client, ns.name(), "alice", ns.name(), EDIT);
    create(alice, ns, "large");
    Path body = Files.createTempFile("hub-large-", ".ndjson");
    Files.writeString(
        body, headerLine() + "\n" + fileLine("big.bin", "x".repeat(3 * 1024 * 1024)) + "\n");
    // curl, as a client that stops sending when the server answers early, as the hub does here.
    Path config = Files.createTempFile("hub-large-", ".curlrc");
    Files.writeString(config, "header = \"Authorization: Bearer " + alice + "\"\n");
    try {
      LocalCommand.Result r =
          LocalCommand.execute(
              List.of(
                  "curl",
                  "-s",
                  "-o",
                  "/dev/null",
                  "-w",
                  "%{http_code}",
                  "--max-time",
                  "60",
                  "-K",
                  config.toString(),
                  "-H",
                  "Content-Type: application/x-ndjson",
                  "--data-binary",
                  "@" + body,
                  endpoint() + "/api/spaces/" + ns.name() + "/large/commit/main"),
              null,
              null,
              Duration.ofSeconds(90),
              false);
      assertThat(r.out()).isEqualTo("413");
    } finally {
      Files.deleteIfExists(body);
      Files.deleteIfExists(config);
    }
    assertThat(info(alice, ns, "large").getJsonArray("siblings")).hasSize(1);
  }

  @Test
  void secretValuesNeverLeaveTheHub(KubernetesClient client, TestNamespace ns) throws Exception {
    String alice = TestUsers.token(client, ns.name(), "alice", ns.name(), EDIT);
    String value = "s3cr3t-" + ns.suffix();
    HttpResponse<String> created =
        post(
            "/api/repos/create",
            alice,
            new JsonObject()
                .put("name", "secretive")
                .put("organization", ns.name())
                .put("type", "space")
                .put("sdk", "gradio")
                .put(
                    "secrets",
                    new JsonArray().add(new JsonObject().put("key", "API_KEY").put("value", value)))
                .encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    String base = "/api/spaces/" + ns.name() + "/secretive";
    for (String path :
        List.of(
            base,
            base + "/runtime",
            base + "/secrets",
            base + "/variables",
            "/api/spaces?author=" + ns.name() + "&full=true")) {
      HttpResponse<String> r = get(path, alice);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).doesNotContain(value);
    }
    assertThat(get(base + "/secrets", alice).body()).contains("API_KEY");
    Space space = client.resources(Space.class).inNamespace(ns.name()).withName("secretive").get();
    assertThat(client.getKubernetesSerialization().asJson(space)).doesNotContain(value);
    assertThat(
            client
                .getKubernetesSerialization()
                .asJson(client.v1().events().inNamespace(ns.name()).list()))
        .doesNotContain(value);
    String stored =
        client
            .secrets()
            .inNamespace(ns.name())
            .withName("secretive-hub-secrets")
            .get()
            .getData()
            .get("API_KEY");
    assertThat(new String(Base64.getDecoder().decode(stored), StandardCharsets.UTF_8))
        .isEqualTo(value);
  }

  @Test
  void spacesMadeWithKubectlAppearReadOnlyAndOthersSeeNothing(
      KubernetesClient client, TestNamespace ns) throws Exception {
    String alice = TestUsers.token(client, ns.name(), "alice", ns.name(), EDIT);
    String bob = TestUsers.token(client, ns.name(), "bob", ns.name(), List.of());
    client.resource(TestSpaces.gradio(ns.name(), "kubectl-made", null)).create();
    String path = "/api/spaces/" + ns.name() + "/kubectl-made";

    JsonObject info = new JsonObject(get(path, alice).body());
    assertThat(info.getString("sdk")).isEqualTo("gradio");
    assertThat(info.getJsonArray("siblings")).isEmpty();
    assertThat(info.getJsonObject("runtime").getString("stage")).isNotEmpty();
    assertThat(commit(alice, ns, "kubectl-made", List.of(fileLine("app.py", "x"))).statusCode())
        .isEqualTo(400);

    HttpResponse<String> hidden = get(path, bob);
    assertThat(hidden.statusCode()).isEqualTo(404);
    assertThat(hidden.headers().firstValue("X-Error-Code")).hasValue("RepoNotFound");
    assertThat(
            get("/api/spaces/" + ns.name() + "/no-such-space", alice)
                .headers()
                .firstValue("X-Error-Code"))
        .hasValue("RepoNotFound");
    assertThat(new JsonArray(get("/api/spaces?author=" + ns.name(), bob).body())).isEmpty();
    HttpResponse<String> badToken = get(path, "not-a-token");
    assertThat(badToken.statusCode()).isEqualTo(401);
    assertThat(badToken.headers().firstValue("X-Error-Message"))
        .hasValue("Invalid credentials in Authorization header");
  }

  @Test
  void listSpacesPagesThroughLinkHeadersOnTheEndpointsHost(
      KubernetesClient client, TestNamespace ns) throws Exception {
    String alice = TestUsers.token(client, ns.name(), "alice", ns.name(), EDIT);
    for (String name : List.of("one", "two", "three")) {
      client.resource(TestSpaces.gradio(ns.name(), name, null)).create();
    }
    HttpResponse<String> first = get("/api/spaces?author=" + ns.name(), alice);
    assertThat(new JsonArray(first.body())).hasSize(2);
    String link = first.headers().firstValue("Link").orElseThrow();
    assertThat(link).startsWith("<" + endpoint() + "/api/spaces?").endsWith(">; rel=\"next\"");
    String next = link.substring(1 + endpoint().length(), link.indexOf('>'));
    HttpResponse<String> second = get(next, alice);
    assertThat(new JsonArray(second.body())).hasSize(1);
    assertThat(second.headers().firstValue("Link")).isEmpty();
    List<String> ids = new ArrayList<>();
    for (HttpResponse<String> page : List.of(first, second)) {
      new JsonArray(page.body()).forEach(o -> ids.add(((JsonObject) o).getString("id")));
    }
    assertThat(ids)
        .containsExactlyInAnyOrder(ns.name() + "/one", ns.name() + "/two", ns.name() + "/three");
  }

  @Test
  void duplicateAndMoveCarryFilesAndSettingsButNeverSecretValues(
      KubernetesClient client, TestNamespace ns) throws Exception {
    String alice = TestUsers.token(client, ns.name(), "alice", ns.name(), EDIT);
    HttpResponse<String> created =
        post(
            "/api/repos/create",
            alice,
            new JsonObject()
                .put("name", "origin")
                .put("organization", ns.name())
                .put("type", "space")
                .put("sdk", "gradio")
                .put(
                    "secrets",
                    new JsonArray().add(new JsonObject().put("key", "API_KEY").put("value", "v")))
                .put(
                    "variables",
                    new JsonArray().add(new JsonObject().put("key", "MODE").put("value", "demo")))
                .encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    assertThat(commit(alice, ns, "origin", List.of(fileLine("app.py", "print(1)"))).statusCode())
        .isEqualTo(200);
    String sha = info(alice, ns, "origin").getString("sha");

    HttpResponse<String> duplicated =
        post(
            "/api/spaces/" + ns.name() + "/origin/duplicate",
            alice,
            new JsonObject().put("repository", ns.name() + "/copy").encode());
    assertThat(duplicated.statusCode()).as(duplicated.body()).isEqualTo(200);
    assertThat(new JsonObject(duplicated.body()).getString("url"))
        .isEqualTo(endpoint() + "/spaces/" + ns.name() + "/copy");
    JsonObject copy = info(alice, ns, "copy");
    assertThat(copy.getString("sha")).as("the history comes along").isEqualTo(sha);
    assertThat(
            copy.getJsonArray("siblings").stream()
                .map(o -> ((JsonObject) o).getString("rfilename")))
        .contains("app.py", "README.md");
    assertThat(new JsonObject(get("/api/spaces/" + ns.name() + "/copy/secrets", alice).body()))
        .as("secret values are never copied")
        .isEmpty();

    SpaceWaits.editSpace(
        client,
        ns,
        "copy",
        sp -> {
          sp.getSpec().setVariables(Map.of("MODE", "copied"));
          sp.getSpec().setSleepTime("2h");
          return sp;
        });
    HttpResponse<String> moved =
        post(
            "/api/repos/move",
            alice,
            new JsonObject()
                .put("fromRepo", ns.name() + "/copy")
                .put("toRepo", ns.name() + "/moved")
                .put("type", "space")
                .encode());
    assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
    assertThat(get("/api/spaces/" + ns.name() + "/copy", alice).statusCode()).isEqualTo(404);
    assertThat(info(alice, ns, "moved").getString("sha")).isEqualTo(sha);
    Space movedSpace = client.resources(Space.class).inNamespace(ns.name()).withName("moved").get();
    assertThat(movedSpace.getSpec().getVariables()).containsEntry("MODE", "copied");
    assertThat(movedSpace.getSpec().getSleepTime()).isEqualTo("2h");

    HttpResponse<String> logs = get("/api/spaces/" + ns.name() + "/origin/logs/run", alice);
    assertThat(logs.statusCode()).isEqualTo(200);
    assertThat(logs.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
  }

  // HTTP and git helpers

  private void create(String token, TestNamespace ns, String name) throws Exception {
    HttpResponse<String> r =
        post(
            "/api/repos/create",
            token,
            new JsonObject()
                .put("name", name)
                .put("organization", ns.name())
                .put("type", "space")
                .put("sdk", "gradio")
                .encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private JsonObject info(String token, TestNamespace ns, String name) throws Exception {
    return new JsonObject(get("/api/spaces/" + ns.name() + "/" + name, token).body());
  }

  private static String headerLine() {
    return new JsonObject()
        .put("key", "header")
        .put("value", new JsonObject().put("summary", "test").put("description", ""))
        .encode();
  }

  private static String fileLine(String path, String content) {
    return new JsonObject()
        .put("key", "file")
        .put(
            "value",
            new JsonObject()
                .put("path", path)
                .put("encoding", "base64")
                .put(
                    "content",
                    Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8))))
        .encode();
  }

  private HttpResponse<String> commit(
      String token, TestNamespace ns, String name, List<String> lines) throws Exception {
    List<String> body = new ArrayList<>();
    body.add(headerLine());
    body.addAll(lines);
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create(endpoint() + "/api/spaces/" + ns.name() + "/" + name + "/commit/main"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/x-ndjson")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", body)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(endpoint() + path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String token, String json) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(endpoint() + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> podRevisions(
      KubernetesClient client, TestNamespace ns, String space) {
    return client
        .pods()
        .inNamespace(ns.name())
        .withLabel("spaceport.dev/space", space)
        .list()
        .getItems()
        .stream()
        .map(HubIT::revision)
        .toList();
  }

  private static String revision(Pod pod) {
    return pod.getSpec().getInitContainers().stream()
        .flatMap(c -> c.getEnv().stream())
        .filter(e -> e.getName().equals("GIT_REVISION"))
        .map(e -> e.getValue())
        .findFirst()
        .orElse("");
  }

  record LocalResult(int exit, String out, String err) {}

  /**
   * git with the token as the password through a credential helper that reads the environment:
   * never on a command line or in a URL. No prompts, and no user or system configuration.
   */
  private static LocalResult git(Path dir, String token, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "-c", "credential.helper="));
    if (token != null) {
      command.addAll(
          List.of(
              "-c",
              "credential.helper=!f() { echo username=spaceport; echo \"password=$HUB_TOKEN\"; }; f"));
    }
    command.addAll(List.of(args));
    Path out = Files.createTempFile("git-", ".out");
    Path err = Files.createTempFile("git-", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      Map<String, String> env = builder.environment();
      env.put("GIT_TERMINAL_PROMPT", "0");
      env.put("GIT_CONFIG_NOSYSTEM", "1");
      env.put("GIT_CONFIG_GLOBAL", "/dev/null");
      env.put("GIT_ASKPASS", "/bin/false");
      if (token != null) {
        env.put("HUB_TOKEN", token);
      }
      Process git = builder.start();
      if (!git.waitFor(2, TimeUnit.MINUTES)) {
        git.destroyForcibly();
        throw new IllegalStateException("git " + List.of(args) + " did not finish");
      }
      return new LocalResult(git.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
