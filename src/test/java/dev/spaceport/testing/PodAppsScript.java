package dev.spaceport.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * cluster/pod-apps for one namespace, as a subprocess: the workloads' real apps (and stand-in
 * pages) at each pod's loopback IP, with the pod's environment. Its log and each app's log are kept
 * in target/pod-apps/NAMESPACE/ (pod-apps.log, POD.log); closing it stops every app it started.
 */
public final class PodAppsScript implements AutoCloseable {

  private final Process process;
  private final Path logs;

  public PodAppsScript(String namespace) {
    logs = TestCluster.repoRoot().resolve("target/pod-apps").resolve(namespace);
    try {
      Files.createDirectories(logs);
      ProcessBuilder command =
          new ProcessBuilder(
                  TestCluster.repoRoot().resolve("cluster/pod-apps").toString(),
                  namespace,
                  "--logs",
                  logs.toString())
              .redirectErrorStream(true)
              .redirectOutput(logs.resolve("pod-apps.log").toFile());
      command.environment().put("KUBECONFIG", TestCluster.get().kubeconfig().toString());
      process = command.start();
      // Fail here, not after the waits of the test, when it dies at once (no kubectl, say).
      if (process.waitFor(1, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "cluster/pod-apps exited with " + process.exitValue() + ":\n" + log());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Where pod-apps writes each app's log (POD.log), and its own (pod-apps.log). */
  public Path logs() {
    return logs;
  }

  /** What pod-apps has logged so far: one line per start, listen, exit and stop. */
  public String log() {
    try {
      return Files.readString(logs.resolve("pod-apps.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: pod-apps stops every app it started, then exits
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
