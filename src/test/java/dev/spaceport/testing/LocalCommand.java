package dev.spaceport.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command of the test world (a helper script, helm, kubectl) with a time limit. */
public final class LocalCommand {

  /** A cold build of the control plane takes minutes; a helper script past this limit is stuck. */
  private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(20);

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

  private LocalCommand() {}

  /**
   * A helper script's standard output; its stderr goes to the test log as it runs; failing if it
   * fails.
   */
  public static String run(List<String> command) {
    Result result = execute(command, null, null, SCRIPT_LIMIT, true);
    if (result.exit() != 0) {
      throw new IllegalStateException(command + " exited " + result.exit() + "\n" + result.out());
    }
    return result.out();
  }

  /**
   * Runs {@code command} in {@code dir} (null: the current one) with {@code stdin} (may be null)
   * and waits up to {@code limit}. Output goes to files, not pipes, so a large output cannot block
   * the process, and the limit holds even if it never closes its stdout. Stderr is captured unless
   * {@code inheritErr}.
   */
  public static Result execute(
      List<String> command, String stdin, Path dir, Duration limit, boolean inheritErr) {
    List<Path> files = new ArrayList<>();
    try {
      Path in = temp(files, ".in");
      Path out = temp(files, ".out");
      Path err = temp(files, ".err");
      Files.writeString(in, stdin == null ? "" : stdin);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(
                  inheritErr
                      ? ProcessBuilder.Redirect.INHERIT
                      : ProcessBuilder.Redirect.to(err.toFile()));
      if (dir != null) {
        builder.directory(dir.toFile());
      }
      Process process = builder.start();
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish in " + limit);
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      files.forEach(f -> f.toFile().delete());
    }
  }

  private static Path temp(List<Path> files, String suffix) throws IOException {
    Path file = Files.createTempFile("spaceport-command-", suffix);
    files.add(file);
    return file;
  }
}
