package dev.spaceport.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven over its DevTools protocol (a WebSocket on loopback): a visitor who
 * types into a page, submits a form and keeps its cookies, which --dump-dom cannot do.
 */
final class ChromiumDevTools implements AutoCloseable {

  private static final Duration STEP = Duration.ofSeconds(30);

  private final Process chromium;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

  ChromiumDevTools() throws Exception {
    profile = Files.createTempDirectory("spaceport-chromium-");
    chromium =
        new ProcessBuilder(
                Chromium.command(
                    profile,
                    "--remote-debugging-address=127.0.0.1",
                    "--remote-debugging-port=0",
                    "about:blank"))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + STEP.toNanos();
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (System.nanoTime() > deadline || !chromium.isAlive()) {
        close();
        throw new IllegalStateException("chromium did not open its DevTools port");
      }
      Thread.sleep(100);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    JsonArray targets =
        new JsonArray(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .timeout(STEP)
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String page =
        targets.stream()
            .map(JsonObject.class::cast)
            .filter(t -> "page".equals(t.getString("type")))
            .findFirst()
            .orElseThrow()
            .getString("webSocketDebuggerUrl");
    socket =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(page), new Listener())
            .get(STEP.toSeconds(), TimeUnit.SECONDS);
  }

  /** Loads {@code url} and waits until the page (after any redirects) has loaded. */
  void navigate(String url) throws Exception {
    call("Page.navigate", new JsonObject().put("url", url));
    awaitLoaded();
  }

  void awaitLoaded() throws Exception {
    long deadline = System.nanoTime() + STEP.toNanos();
    Thread.sleep(200);
    while (!"complete".equals(evaluate("document.readyState"))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the page did not load");
      }
      Thread.sleep(100);
    }
  }

  /** A JavaScript expression's value in the page, as a string. */
  String evaluate(String expression) throws Exception {
    JsonObject result =
        call(
            "Runtime.evaluate",
            new JsonObject().put("expression", expression).put("returnByValue", true));
    Object value = result.getJsonObject("result", new JsonObject()).getValue("value");
    return value == null ? null : String.valueOf(value);
  }

  private JsonObject call(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket
        .sendText(
            new JsonObject().put("id", id).put("method", method).put("params", params).encode(),
            true)
        .get(STEP.toSeconds(), TimeUnit.SECONDS);
    JsonObject reply = answer.get(STEP.toSeconds(), TimeUnit.SECONDS);
    if (reply.containsKey("error")) {
      throw new IllegalStateException(method + ": " + reply.getJsonObject("error").encode());
    }
    return reply.getJsonObject("result", new JsonObject());
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        JsonObject message = new JsonObject(text.toString());
        text.setLength(0);
        Integer id = message.getInteger("id");
        if (id != null) {
          CompletableFuture<JsonObject> answer = pending.remove(id);
          if (answer != null) {
            answer.complete(message);
          }
        }
      }
      webSocket.request(1);
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    chromium.destroyForcibly();
    try {
      chromium.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
