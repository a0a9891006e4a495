package dev.spaceport.hub;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Commits files to a Space's branch without a work tree, as the Hub's commit endpoint does. Pure
 * JGit over the repository; safe for several writers on one directory.
 */
final class RepositoryCommits {

  /** A file written (content) or removed (content null; folder: everything under the path). */
  record Change(String path, byte[] content, boolean folder) {
    Change {
      path = CommitPaths.checked(folder ? path.replaceAll("/+$", "") : path);
    }

    static Change put(String path, byte[] content) {
      return new Change(path, content, false);
    }

    static Change deleteFile(String path) {
      return new Change(path, null, false);
    }

    static Change deleteFolder(String path) {
      return new Change(path, null, true);
    }
  }

  /** The branch's head after the commit; {@code changed} is false when nothing differed. */
  record Result(ObjectId commit, boolean changed) {}

  /**
   * Another writer moved the branch (or holds its lock file) between our read and our update: try
   * again on the new head, this many times, after a short random pause so writers spread out.
   */
  private static final int ATTEMPTS = 50;

  private static final int MAX_PAUSE_MILLIS = 40;

  private RepositoryCommits() {}

  static Result commit(
      Repository repo,
      Optional<ObjectId> expectedParent,
      List<Change> changes,
      PersonIdent who,
      String summary,
      String description)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      Ref head = repo.exactRef(Repositories.HEAD_REF);
      ObjectId parent = head == null ? null : head.getObjectId();
      if (expectedParent.isPresent() && !expectedParent.get().equals(parent)) {
        throw HubError.parentMoved(
            expectedParent.get().name(), parent == null ? "none" : parent.name());
      }
      try (ObjectInserter inserter = repo.newObjectInserter();
          ObjectReader reader = repo.newObjectReader();
          RevWalk walk = new RevWalk(reader)) {
        DirCache index = DirCache.newInCore();
        ObjectId parentTree = null;
        if (parent != null) {
          RevCommit parentCommit = walk.parseCommit(parent);
          parentTree = parentCommit.getTree();
          DirCacheBuilder builder = index.builder();
          builder.addTree(new byte[0], 0, reader, parentTree);
          builder.finish();
        }
        ObjectId tree = apply(index, changes, inserter).writeTree(inserter);
        if (tree.equals(parentTree)) {
          // A retried or empty commit: the client's retries must not stack up empty commits.
          return new Result(parent, false);
        }
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(tree);
        if (parent != null) {
          commit.setParentId(parent);
        }
        commit.setAuthor(who);
        commit.setCommitter(who);
        commit.setMessage(
            description == null || description.isBlank()
                ? summary
                : summary + "\n\n" + description);
        ObjectId id = inserter.insert(commit);
        inserter.flush();

        RefUpdate update = repo.updateRef(Repositories.HEAD_REF);
        update.setNewObjectId(id);
        update.setExpectedOldObjectId(parent == null ? ObjectId.zeroId() : parent);
        update.setRefLogIdent(who);
        update.setRefLogMessage("commit: " + summary, false);
        RefUpdate.Result result = update.update(walk);
        switch (result) {
          case NEW, FAST_FORWARD, FORCED:
            return new Result(id, true);
          case LOCK_FAILURE, REJECTED:
            if (expectedParent.isPresent()) {
              throw HubError.parentMoved(expectedParent.get().name(), "moved by another commit");
            }
            if (attempt >= ATTEMPTS) {
              throw HubError.conflict("The branch kept moving under this commit; try again");
            }
            pause();
            continue;
          default:
            throw new IOException("updating " + Repositories.HEAD_REF + ": " + result);
        }
      }
    }
  }

  /**
   * The changes in their order over the parent's files (a commit may delete a folder and add a file
   * under it again), then a new index from the result.
   */
  private static void pause() throws IOException {
    try {
      Thread.sleep(1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(MAX_PAUSE_MILLIS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("commit interrupted");
    }
  }

  private static DirCache apply(DirCache parent, List<Change> changes, ObjectInserter inserter)
      throws IOException {
    TreeMap<String, DirCacheEntry> files = new TreeMap<>();
    for (int i = 0; i < parent.getEntryCount(); i++) {
      files.put(parent.getEntry(i).getPathString(), parent.getEntry(i));
    }
    for (Change change : changes) {
      if (change.content() != null) {
        DirCacheEntry entry = new DirCacheEntry(change.path());
        entry.setFileMode(FileMode.REGULAR_FILE);
        entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, change.content()));
        // A file where a folder was, or under a path that was a file, replaces it.
        files.subMap(change.path() + "/", change.path() + "0").clear();
        removeFileAncestors(files, change.path());
        files.put(change.path(), entry);
      } else if (change.folder()) {
        SortedMap<String, DirCacheEntry> within =
            files.subMap(change.path() + "/", change.path() + "0");
        if (within.isEmpty()) {
          throw HubError.entryNotFound(change.path());
        }
        within.clear();
      } else if (files.remove(change.path()) == null) {
        throw HubError.entryNotFound(change.path());
      }
    }
    DirCache index = DirCache.newInCore();
    DirCacheBuilder builder = index.builder();
    files.values().forEach(builder::add);
    builder.finish();
    return index;
  }

  private static void removeFileAncestors(TreeMap<String, DirCacheEntry> files, String path) {
    for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
      files.remove(path.substring(0, slash));
    }
  }
}
