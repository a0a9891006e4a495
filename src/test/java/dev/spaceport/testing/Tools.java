package dev.spaceport.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real helm (the pinned build of {@code cluster/build-binaries}) and kubectl (against the
 * {@link TestCluster}) for tests that check what a user's command does, exit status and stderr included.
 */
public final class Tools {

    /** What a command did. */
    public record Result(int exit, String out, String err) {
        /** The output, or a failure that shows the command's stderr. */
        public String ok() {
            if (exit != 0) {
                throw new IllegalStateException("exited " + exit + ":\n" + err + out);
            }
            return out;
        }
    }

    private static String helm;

    private Tools() {
    }

    /** helm with these arguments, in the repository root. */
    public static Result helm(String... args) {
        List<String> command = new ArrayList<>(List.of(helmBinary()));
        command.addAll(List.of(args));
        return run(command, null);
    }

    /** kubectl against the test cluster, {@code stdin} (may be null) fed to it. */
    public static Result kubectl(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", TestCluster.get().kubeconfig().toString()));
        command.addAll(List.of(args));
        return run(command, stdin);
    }

    private static synchronized String helmBinary() {
        if (helm == null) {
            String dirs = LocalCommand.run(List.of(TestCluster.repoRoot().resolve("cluster/build-binaries").toString(),
                    "--print-dirs"));
            helm = dirs.lines().filter(l -> l.startsWith("HELM_BIN=")).findFirst()
                    .map(l -> l.substring("HELM_BIN=".length()) + "/helm")
                    .orElseThrow(() -> new IllegalStateException("build-binaries printed no HELM_BIN:\n" + dirs));
        }
        return helm;
    }

    private static Result run(List<String> command, String stdin) {
        try {
            // Files, not pipes: a large output cannot block the process while we wait for it.
            Path in = Files.createTempFile("spaceport-tool-", ".in");
            Path out = Files.createTempFile("spaceport-tool-", ".out");
            Path err = Files.createTempFile("spaceport-tool-", ".err");
            Files.writeString(in, stdin == null ? "" : stdin);
            Process process = new ProcessBuilder(command).directory(TestCluster.repoRoot().toFile())
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish");
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            for (Path file : List.of(in, out, err)) {
                Files.delete(file);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
