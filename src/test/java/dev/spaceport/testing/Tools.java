package dev.spaceport.testing;

import dev.spaceport.testing.LocalCommand.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the real helm (the pinned build of {@code cluster/build-binaries}) and kubectl (against the
 * {@link TestCluster}) for tests that check what a user's command does, exit status and stderr
 * included.
 */
public final class Tools {

  private static String helm;

  private Tools() {}

  /** helm with these arguments, in the repository root. */
  public static Result helm(String... args) {
    List<String> command = new ArrayList<>(List.of(helmBinary()));
    command.addAll(List.of(args));
    return run(command, null);
  }

  /** kubectl against the test cluster, {@code stdin} (may be null) fed to it. */
  public static Result kubectl(String stdin, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of("kubectl", "--kubeconfig", TestCluster.get().kubeconfig().toString()));
    command.addAll(List.of(args));
    return run(command, stdin);
  }

  private static synchronized String helmBinary() {
    if (helm == null) {
      String dirs =
          LocalCommand.run(
              List.of(
                  TestCluster.repoRoot().resolve("cluster/build-binaries").toString(),
                  "--print-dirs"));
      helm =
          dirs.lines()
              .filter(l -> l.startsWith("HELM_BIN="))
              .findFirst()
              .map(l -> l.substring("HELM_BIN=".length()) + "/helm")
              .orElseThrow(
                  () -> new IllegalStateException("build-binaries printed no HELM_BIN:\n" + dirs));
    }
    return helm;
  }

  private static Result run(List<String> command, String stdin) {
    return LocalCommand.execute(
        command, stdin, TestCluster.repoRoot(), Duration.ofMinutes(2), false);
  }
}
