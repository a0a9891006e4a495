package dev.spaceport.hub;

import dev.spaceport.config.SpaceportConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Each Space's files are a bare git repository at {@code <repositories>/<namespace>/<name>.git}.
 * Replicas of the hub share the directory (a ReadWriteMany volume): JGit takes a lock file for
 * every ref update, so two writers never both move a branch, and {@link RepositoryCommits} retries
 * or refuses the loser.
 */
@ApplicationScoped
class Repositories {

  static final String BRANCH = "main";
  static final String HEAD_REF = Constants.R_HEADS + BRANCH;

  @Inject SpaceportConfig config;

  Path dir(String ns, String name) {
    return Path.of(config.hub().repositories(), ns, name + ".git");
  }

  boolean exists(String ns, String name) {
    return Files.isRegularFile(dir(ns, name).resolve("HEAD"));
  }

  /** The repository, or RepoNotFound; the caller closes it. */
  Repository open(String ns, String name) {
    return find(ns, name).orElseThrow(() -> HubError.repoNotFound(ns + "/" + name));
  }

  Optional<Repository> find(String ns, String name) {
    if (!exists(ns, name)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new FileRepositoryBuilder().setGitDir(dir(ns, name).toFile()).setMustExist(true).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A new repository whose first commit holds these files. One left behind by a Space deleted
   * outside the hub is replaced: the Space, not the directory, says whether the id is taken.
   */
  ObjectId create(String ns, String name, List<RepositoryCommits.Change> files, PersonIdent who) {
    delete(ns, name);
    Path dir = dir(ns, name);
    try {
      Files.createDirectories(dir.getParent());
      try (Repository repo =
          new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
        repo.create(true);
        RefUpdate head = repo.updateRef(Constants.HEAD);
        head.disableRefLog();
        head.link(HEAD_REF);
        return RepositoryCommits.commit(repo, Optional.empty(), files, who, "initial commit", "")
            .commit();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy of another Space's repository with its whole history (duplicate). */
  void copy(String fromNs, String fromName, String toNs, String toName) {
    delete(toNs, toName);
    Path from = dir(fromNs, fromName);
    Path to = dir(toNs, toName);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else if (!source.getFileName().toString().endsWith(".lock")) {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void move(String fromNs, String fromName, String toNs, String toName) {
    try {
      Files.createDirectories(dir(toNs, toName).getParent());
      Files.move(dir(fromNs, fromName), dir(toNs, toName));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void delete(String ns, String name) {
    Path dir = dir(ns, name);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
