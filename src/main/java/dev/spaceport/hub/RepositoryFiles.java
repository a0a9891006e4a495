package dev.spaceport.hub;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/** Reads a Space repository at a revision: its commit, files and folders. */
final class RepositoryFiles {

  /** A file (size set) or a folder (size -1) at a full path. */
  record Entry(String path, ObjectId id, long size) {
    boolean isFile() {
      return size >= 0;
    }
  }

  private RepositoryFiles() {}

  /** A branch, tag or commit id; the default branch for "main" or HEAD. */
  static Optional<RevCommit> commit(Repository repo, String revision) throws IOException {
    ObjectId id;
    try {
      id = repo.resolve(revision + "^{commit}");
    } catch (org.eclipse.jgit.errors.RevisionSyntaxException e) {
      return Optional.empty();
    }
    if (id == null) {
      return Optional.empty();
    }
    try (RevWalk walk = new RevWalk(repo)) {
      return Optional.of(walk.parseCommit(id));
    }
  }

  static RevCommit requireCommit(Repository repo, String revision) throws IOException {
    return commit(repo, revision).orElseThrow(() -> HubError.revisionNotFound(revision));
  }

  /** The branch's head, or empty for a repository without commits. */
  static Optional<RevCommit> head(Repository repo) throws IOException {
    return commit(repo, Repositories.HEAD_REF);
  }

  /** The files and folders under {@code folder} ("" for the root), recursively or one level. */
  static List<Entry> list(Repository repo, RevCommit commit, String folder, boolean recursive)
      throws IOException {
    List<Entry> out = new ArrayList<>();
    try (ObjectReader reader = repo.newObjectReader()) {
      ObjectId tree = commit.getTree();
      if (!folder.isEmpty()) {
        try (TreeWalk at = TreeWalk.forPath(reader, folder, commit.getTree())) {
          if (at == null || at.getFileMode(0) != FileMode.TREE) {
            throw HubError.entryNotFound(folder);
          }
          tree = at.getObjectId(0);
        }
      }
      walk(reader, tree, folder.isEmpty() ? "" : folder + "/", recursive, out);
    }
    return out;
  }

  private static void walk(
      ObjectReader reader, ObjectId tree, String prefix, boolean recursive, List<Entry> out)
      throws IOException {
    try (TreeWalk walk = new TreeWalk(reader)) {
      walk.addTree(tree);
      walk.setRecursive(false);
      while (walk.next()) {
        String path = prefix + walk.getPathString();
        ObjectId id = walk.getObjectId(0);
        if (walk.getFileMode(0) == FileMode.TREE) {
          out.add(new Entry(path, id, -1));
          if (recursive) {
            walk(reader, id, path + "/", true, out);
          }
        } else {
          out.add(new Entry(path, id, reader.getObjectSize(id, Constants.OBJ_BLOB)));
        }
      }
    }
  }

  /** The file's blob id at the commit, if it is a file there. */
  static Optional<ObjectId> blob(Repository repo, RevCommit commit, String path)
      throws IOException {
    if (CommitPaths.problem(path) != null) {
      return Optional.empty();
    }
    try (TreeWalk at = TreeWalk.forPath(repo, path, commit.getTree())) {
      if (at == null || at.getFileMode(0) == FileMode.TREE) {
        return Optional.empty();
      }
      return Optional.of(at.getObjectId(0));
    }
  }

  /** The README's header at the commit: how the Space runs (empty without a README). */
  static ReadmeCard card(Repository repo, RevCommit commit) throws IOException {
    return ReadmeCard.parse(
        read(repo, commit, "README.md")
            .map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8))
            .orElse(""));
  }

  static Optional<byte[]> read(Repository repo, RevCommit commit, String path) throws IOException {
    Optional<ObjectId> blob = blob(repo, commit, path);
    if (blob.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(repo.open(blob.get(), Constants.OBJ_BLOB).getBytes());
  }
}
