package dev.spaceport.testing;

import dev.spaceport.testing.LocalCommand.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs the real helm and kstatus (the pinned builds of {@code cluster/build-binaries}) and kubectl
 * (against the {@link TestCluster}) for tests that check what a user's command or another tool
 * does, exit status and stderr included.
 */
public final class Tools {

  private static Map<String, String> binDirs;

  private Tools() {}

  /** helm with these arguments, in the repository root. */
  public static Result helm(String... args) {
    List<String> command = new ArrayList<>(List.of(binary("HELM_BIN", "helm")));
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

  /**
   * Flux's and kpt's readiness library (sigs.k8s.io/cli-utils kstatus) over a Kubernetes list in
   * JSON: a line {@code <namespace>/<name> <status> <message>} per object.
   */
  public static Result kstatus(String listJson) {
    return run(List.of(binary("KSTATUS_BIN", "kstatus")), listJson);
  }

  /** A binary of {@code cluster/build-binaries}, by the variable that names its directory. */
  private static synchronized String binary(String dirVariable, String name) {
    if (binDirs == null) {
      String dirs =
          LocalCommand.run(
              List.of(
                  TestCluster.repoRoot().resolve("cluster/build-binaries").toString(),
                  "--print-dirs"));
      binDirs =
          dirs.lines()
              .filter(l -> l.contains("="))
              .collect(
                  Collectors.toMap(
                      l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
    }
    String dir = binDirs.get(dirVariable);
    if (dir == null) {
      throw new IllegalStateException("build-binaries printed no " + dirVariable + ": " + binDirs);
    }
    return dir + "/" + name;
  }

  private static Result run(List<String> command, String stdin) {
    return LocalCommand.execute(
        command, stdin, TestCluster.repoRoot(), Duration.ofMinutes(2), false);
  }
}
