package dev.spaceport.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * Git repositories for the tests of git Spaces, made with the git command line: a bare repository
 * with one commit per revision (each tagged), and a server for such repositories over git's dumb
 * HTTP protocol (plain files) on 127.0.0.1 that asks for HTTP Basic credentials.
 */
public final class GitRepos {

  private static final Duration GIT_LIMIT = Duration.ofMinutes(1);

  private GitRepos() {}

  /**
   * {@code dir/name.git}, bare: for each revision in order, a commit whose tree holds exactly its
   * files, tagged with the revision's name, on branch main.
   */
  public static Path bare(Path dir, String name, Map<String, Map<String, String>> revisions) {
    try {
      Path work = Files.createDirectories(dir.resolve(name + "-work"));
      git(work, "init", "--quiet", "--initial-branch=main", ".");
      for (var revision : revisions.entrySet()) {
        git(work, "rm", "--quiet", "-r", "--ignore-unmatch", ".");
        for (var file : revision.getValue().entrySet()) {
          Path path = work.resolve(file.getKey());
          Files.createDirectories(path.getParent());
          Files.writeString(path, file.getValue());
        }
        git(work, "add", "--all", ".");
        git(
            work,
            "-c",
            "user.name=Spaceport Test",
            "-c",
            "user.email=test@spaceport.test",
            "commit",
            "--quiet",
            "-m",
            revision.getKey());
        git(work, "tag", revision.getKey());
      }
      Path bare = dir.resolve(name + ".git");
      git(dir, "clone", "--quiet", "--bare", work.toString(), bare.toString());
      // The dumb HTTP protocol reads info/refs and objects/info/packs, which this writes.
      git(bare, "update-server-info");
      return bare;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void git(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    LocalCommand.execute(command, null, dir, GIT_LIMIT, false).ok();
  }

  /**
   * Serves the bare repositories under a folder at http://127.0.0.1:PORT/NAME.git over git's dumb
   * HTTP protocol, to clients whose HTTP Basic credentials ({@code user:password}) {@code accepted}
   * allows; any other request gets 401 with a Basic challenge. Every credential received is
   * recorded.
   */
  public static final class Server implements AutoCloseable {

    private final HttpServer server;
    private final Path root;
    private final Predicate<String> accepted;
    private final Queue<String> received = new ConcurrentLinkedQueue<>();

    public Server(Path root, Predicate<String> accepted) {
      this.root = root.toAbsolutePath().normalize();
      this.accepted = accepted;
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server.createContext("/", this::serve);
      server.start();
    }

    /** The clone URL of {@code root/name.git}. */
    public String url(String name) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + ".git";
    }

    /** Every {@code user:password} received, in order (requests without credentials left out). */
    public List<String> received() {
      return List.copyOf(received);
    }

    private void serve(HttpExchange exchange) throws IOException {
      try (exchange) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        String credentials = null;
        if (auth != null && auth.startsWith("Basic ")) {
          credentials =
              new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
          received.add(credentials);
        }
        if (credentials == null || !accepted.test(credentials)) {
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"spaceport-test\"");
          exchange.sendResponseHeaders(401, -1);
          return;
        }
        Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        byte[] body = Files.readAllBytes(file);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
