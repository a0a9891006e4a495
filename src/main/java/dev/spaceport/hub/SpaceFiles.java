package dev.spaceport.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spaceport.config.SpaceportConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A Space's files through the Hub's API: preupload, commit (NDJSON), tree and file download. A
 * commit on the branch rolls the Space to it. The resources route here (JAX-RS matches one root
 * resource per path prefix).
 */
@ApplicationScoped
class SpaceFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject HubRequests requests;

  @Inject Identities identities;

  @Inject Access access;

  @Inject HubSpaces spaces;

  @Inject Repositories repositories;

  @Inject SpaceportConfig config;

  /** Every file is "regular": its content comes base64-encoded in the commit (no LFS, no Xet). */
  Map<String, Object> preupload(
      String auth, String ns, String name, String revision, Map<String, Object> body) {
    Caller caller = identities.requireUser(auth);
    access.requireSpace(caller, "update", ns, name);
    List<Map<String, Object>> out = new ArrayList<>();
    try (Repository repo = repositories.open(ns, name)) {
      Optional<RevCommit> commit = RepositoryFiles.commit(repo, revision);
      Object files = body == null ? null : body.get("files");
      if (files instanceof List<?> list) {
        for (Object f : list) {
          if (!(f instanceof Map<?, ?> file) || file.get("path") == null) {
            throw HubError.badRequest("Each preupload file needs a path");
          }
          String path = String.valueOf(file.get("path"));
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("path", path);
          answer.put("uploadMode", "regular");
          answer.put("shouldIgnore", false);
          if (commit.isPresent()) {
            RepositoryFiles.blob(repo, commit.get(), path)
                .ifPresent(id -> answer.put("oid", id.name()));
          }
          out.add(answer);
        }
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("files", out);
      commit.ifPresent(c -> result.put("commitOid", c.name()));
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, Object> commit(
      UriInfo uri,
      String auth,
      Long length,
      String ns,
      String name,
      String revision,
      String createPr,
      InputStream body) {
    Caller caller = identities.requireUser(auth);
    access.requireSpace(caller, "update", ns, name);
    long limit = config.hub().maxCommitSize().asLongValue();
    if (length != null && length > limit) {
      throw HubError.tooLarge(
          "Commit of " + length + " bytes is larger than this hub accepts (" + limit + " bytes)");
    }
    if (createPr != null && !createPr.equals("0") && !createPr.equalsIgnoreCase("false")) {
      throw HubError.badRequest(
          "Pull requests are not supported: commit to " + Repositories.BRANCH);
    }
    if (!revision.equals(Repositories.BRANCH) && !revision.equals(Repositories.HEAD_REF)) {
      throw HubError.badRequest("Commits go to the branch " + Repositories.BRANCH + " only");
    }
    spaces.require(ns, name);
    if (!repositories.exists(ns, name)) {
      throw HubError.badRequest(
          "Space "
              + ns
              + "/"
              + name
              + " is not kept by the hub (made with kubectl): its source is"
              + " read-only here");
    }
    NdjsonCommit parsed = NdjsonCommit.read(body, limit);
    RepositoryCommits.Result result;
    ReadmeCard card;
    try (Repository repo = repositories.open(ns, name)) {
      result =
          RepositoryCommits.commit(
              repo,
              parsed.parentCommit().map(ObjectId::fromString),
              parsed.changes(),
              SpaceCreation.identity(caller),
              parsed.summary(),
              parsed.description());
      RevCommit head = RepositoryFiles.requireCommit(repo, result.commit().name());
      card = RepositoryFiles.card(repo, head);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (result.changed()) {
      spaces.applyCommit(ns, name, result.commit(), card);
    }
    requests.audit(caller, "commit", ns + "/" + name, result.commit().name());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("success", true);
    out.put("commitOid", result.commit().name());
    out.put("commitUrl", requests.spaceUrl(uri, ns, name) + "/commit/" + result.commit().name());
    out.put("hookOutput", "");
    return out;
  }

  List<Map<String, Object>> tree(
      String auth, String ns, String name, String revision, String path, String recursive) {
    Caller caller = identities.authenticate(auth);
    access.requireSpace(caller, "get", ns, name);
    spaces.require(ns, name);
    String folder = path == null ? "" : path.replaceAll("^/+|/+$", "");
    boolean deep =
        recursive != null && (recursive.equalsIgnoreCase("true") || recursive.equals("1"));
    try (Repository repo = repositories.open(ns, name)) {
      RevCommit commit = RepositoryFiles.requireCommit(repo, revision);
      List<Map<String, Object>> out = new ArrayList<>();
      for (RepositoryFiles.Entry e : RepositoryFiles.list(repo, commit, folder, deep)) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", e.isFile() ? "file" : "directory");
        m.put("path", e.path());
        m.put("oid", e.id().name());
        if (e.isFile()) {
          m.put("size", e.size());
        }
        out.add(m);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** hf_hub_download reads the commit and the ETag from these headers. */
  Response file(
      String auth, String ns, String name, String revision, String path, boolean withBody) {
    Caller caller = identities.authenticate(auth);
    access.requireSpace(caller, "get", ns, name);
    spaces.require(ns, name);
    try (Repository repo = repositories.open(ns, name)) {
      RevCommit commit = RepositoryFiles.requireCommit(repo, revision);
      ObjectId blob =
          RepositoryFiles.blob(repo, commit, path).orElseThrow(() -> HubError.entryNotFound(path));
      byte[] bytes = repo.open(blob).getBytes();
      Response.ResponseBuilder r =
          Response.ok(withBody ? bytes : null, MediaType.APPLICATION_OCTET_STREAM_TYPE)
              .header("X-Repo-Commit", commit.name())
              .header("ETag", "\"" + blob.name() + "\"")
              .header("X-Linked-Size", bytes.length);
      if (!withBody) {
        r.header(HttpHeaders.CONTENT_LENGTH, bytes.length);
      }
      return r.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The commit body: a header line, then one line per file written or removed. */
  record NdjsonCommit(
      String summary,
      String description,
      Optional<String> parentCommit,
      List<RepositoryCommits.Change> changes) {

    static NdjsonCommit read(InputStream body, long limit) {
      String summary = null;
      String description = "";
      Optional<String> parent = Optional.empty();
      List<RepositoryCommits.Change> changes = new ArrayList<>();
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(new BoundedInput(body, limit), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode node = JSON.readTree(line);
          String key = node.path("key").asText();
          JsonNode value = node.path("value");
          switch (key) {
            case "header" -> {
              summary = value.path("summary").asText("");
              description = value.path("description").asText("");
              if (value.hasNonNull("parentCommit")) {
                String p = value.get("parentCommit").asText();
                if (!ObjectId.isId(p)) {
                  throw HubError.badRequest("parentCommit must be a 40-character commit id");
                }
                parent = Optional.of(p);
              }
            }
            case "file" -> {
              String encoding = value.path("encoding").asText("base64");
              String content = value.path("content").asText("");
              byte[] bytes;
              try {
                bytes =
                    encoding.equals("base64")
                        ? Base64.getDecoder().decode(content)
                        : content.getBytes(StandardCharsets.UTF_8);
              } catch (IllegalArgumentException e) {
                throw HubError.badRequest(
                    "File content is not valid base64: " + value.path("path").asText());
              }
              changes.add(RepositoryCommits.Change.put(value.path("path").asText(), bytes));
            }
            case "deletedFile" ->
                changes.add(RepositoryCommits.Change.deleteFile(value.path("path").asText()));
            case "deletedFolder" ->
                changes.add(RepositoryCommits.Change.deleteFolder(value.path("path").asText()));
            case "lfsFile" ->
                throw HubError.badRequest(
                    "LFS files are not supported: this hub answers preupload with \"regular\" for every file");
            default -> throw HubError.badRequest("Unknown commit line: " + key);
          }
        }
      } catch (IOException e) {
        if (e instanceof BoundedInput.TooLarge) {
          throw HubError.tooLarge("Commit larger than this hub accepts (" + limit + " bytes)");
        }
        throw HubError.badRequest("Commit body is not NDJSON: " + e.getMessage());
      }
      if (summary == null) {
        throw HubError.badRequest("A commit starts with a header line");
      }
      return new NdjsonCommit(summary, description, parent, changes);
    }
  }
}
