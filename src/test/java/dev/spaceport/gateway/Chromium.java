package dev.spaceport.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian's chromium package) as a visitor: loads a page, runs its scripts,
 * prints the DOM.
 */
final class Chromium {

  private static final Path BINARY = Path.of("/usr/bin/chromium");

  private Chromium() {}

  /**
   * Headless, as root (no sandbox), with no background traffic on the closed network, in its own
   * profile, then {@code args}.
   */
  static List<String> command(Path profile, String... args) {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing: install Debian's chromium package (.ci/run does)");
    }
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                BINARY.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * The page's DOM once its scripts (reloads included) have run: virtual time runs ahead of the
   * clock, but stops while a request is pending, so a long-polling page waits for the real answer.
   */
  static String dumpDom(String url, Duration budget) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("spaceport-chromium-");
    Path output = Files.createTempFile("spaceport-chromium-", ".html");
    try {
      Process chromium =
          new ProcessBuilder(
                  command(profile, "--virtual-time-budget=" + budget.toMillis(), "--dump-dom", url))
              .redirectOutput(output.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!chromium.waitFor(budget.toSeconds() + 60, TimeUnit.SECONDS)) {
        chromium.destroyForcibly();
        throw new IllegalStateException("chromium did not finish loading " + url);
      }
      return Files.readString(output, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(output);
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
