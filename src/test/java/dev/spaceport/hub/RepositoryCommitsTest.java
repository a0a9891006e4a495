package dev.spaceport.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryCommitsTest {

  private static final PersonIdent WHO = new PersonIdent("alice", "alice@users.spaceport.dev");

  @TempDir Path dir;

  private Repository open() throws Exception {
    return new FileRepositoryBuilder()
        .setGitDir(dir.resolve("space.git").toFile())
        .setBare()
        .build();
  }

  private Repository init() throws Exception {
    Repository repo = open();
    repo.create(true);
    RefUpdate head = repo.updateRef(Constants.HEAD);
    head.link(Repositories.HEAD_REF);
    return repo;
  }

  private static RepositoryCommits.Change put(String path, String content) {
    return RepositoryCommits.Change.put(path, content.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> files(Repository repo) throws Exception {
    RevCommit head = RepositoryFiles.head(repo).orElseThrow();
    return RepositoryFiles.list(repo, head, "", true).stream()
        .filter(RepositoryFiles.Entry::isFile)
        .map(RepositoryFiles.Entry::path)
        .toList();
  }

  @Test
  void changesApplyInOrderSoAFolderCanBeReplaced() throws Exception {
    try (Repository repo = init()) {
      RepositoryCommits.commit(
          repo,
          Optional.empty(),
          List.of(put("assets/a.txt", "a"), put("assets/b.txt", "b"), put("app.py", "x")),
          WHO,
          "one",
          "");
      RepositoryCommits.commit(
          repo,
          Optional.empty(),
          List.of(RepositoryCommits.Change.deleteFolder("assets/"), put("assets/a.txt", "new")),
          WHO,
          "two",
          "");
      assertThat(files(repo)).containsExactly("app.py", "assets/a.txt");
      RevCommit head = RepositoryFiles.head(repo).orElseThrow();
      assertThat(
              new String(
                  RepositoryFiles.read(repo, head, "assets/a.txt").orElseThrow(),
                  StandardCharsets.UTF_8))
          .isEqualTo("new");
    }
  }

  @Test
  void aRetriedCommitMakesNoEmptyCommit() throws Exception {
    try (Repository repo = init()) {
      ObjectId first =
          RepositoryCommits.commit(
                  repo, Optional.empty(), List.of(put("app.py", "x")), WHO, "one", "")
              .commit();
      RepositoryCommits.Result again =
          RepositoryCommits.commit(
              repo, Optional.empty(), List.of(put("app.py", "x")), WHO, "one", "");
      assertThat(again.changed()).isFalse();
      assertThat(again.commit()).isEqualTo(first);
    }
  }

  @Test
  void deletingWhatIsNotThereAndAStaleParentAreRefused() throws Exception {
    try (Repository repo = init()) {
      ObjectId first =
          RepositoryCommits.commit(
                  repo, Optional.empty(), List.of(put("app.py", "x")), WHO, "one", "")
              .commit();
      RepositoryCommits.commit(
          repo, Optional.of(first), List.of(put("app.py", "y")), WHO, "two", "");
      assertThatThrownBy(
              () ->
                  RepositoryCommits.commit(
                      repo, Optional.of(first), List.of(put("app.py", "z")), WHO, "three", ""))
          .isInstanceOfSatisfying(HubError.class, e -> assertThat(e.status).isEqualTo(412));
      assertThatThrownBy(
              () ->
                  RepositoryCommits.commit(
                      repo,
                      Optional.empty(),
                      List.of(RepositoryCommits.Change.deleteFile("gone.py")),
                      WHO,
                      "four",
                      ""))
          .isInstanceOfSatisfying(
              HubError.class, e -> assertThat(e.errorCode).isEqualTo("EntryNotFound"));
    }
  }

  /**
   * Hub replicas share the repositories' volume: writers through separate Repository objects, as
   * separate processes would be, race on one branch. JGit's lock file lets one move it at a time;
   * the loser retries on the new head, so no commit is lost and history stays linear.
   */
  @Test
  void writersSharingTheDirectoryLoseNoCommit() throws Exception {
    try (Repository repo = init()) {
      RepositoryCommits.commit(
          repo, Optional.empty(), List.of(put("README.md", "r")), WHO, "init", "");
    }
    int writers = 4;
    int commitsEach = 15;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      done.add(
          pool.submit(
              () -> {
                try (Repository own = open()) {
                  go.await();
                  for (int i = 0; i < commitsEach; i++) {
                    RepositoryCommits.commit(
                        own,
                        Optional.empty(),
                        List.of(put("w" + writer + "/" + i + ".txt", "x")),
                        WHO,
                        "w" + writer + " " + i,
                        "");
                  }
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(2, TimeUnit.MINUTES);
    }
    pool.shutdown();
    try (Repository repo = open();
        RevWalk walk = new RevWalk(repo)) {
      assertThat(files(repo)).hasSize(writers * commitsEach + 1);
      walk.markStart(walk.parseCommit(repo.resolve(Repositories.HEAD_REF)));
      int count = 0;
      for (RevCommit c : walk) {
        assertThat(c.getParentCount()).isLessThanOrEqualTo(1);
        count++;
      }
      assertThat(count).isEqualTo(writers * commitsEach + 1);
      assertThat(
              Files.list(dir.resolve("space.git/refs/heads")).map(p -> p.getFileName().toString()))
          .containsExactly("main");
    }
  }
}
