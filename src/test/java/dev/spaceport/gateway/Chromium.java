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
   * The page's DOM once its scripts (reloads included) have run: virtual time runs ahead of the
   * clock, but stops while a request is pending, so a long-polling page waits for the real answer.
   */
  static String dumpDom(String url, Duration budget) throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing: install Debian's chromium package (.ci/run does)");
    }
    Path profile = Files.createTempDirectory("spaceport-chromium-");
    Path output = Files.createTempFile("spaceport-chromium-", ".html");
    try {
      // Flags from the machine's notes: root needs --no-sandbox; the closed network needs no
      // background traffic.
      Process chromium =
          new ProcessBuilder(
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
                      "--user-data-dir=" + profile,
                      "--virtual-time-budget=" + budget.toMillis(),
                      "--dump-dom",
                      url))
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
