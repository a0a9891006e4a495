package dev.spaceport.hub;

import dev.spaceport.api.Sdk;
import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceSpec;
import dev.spaceport.api.Visibility;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;

/** create_repo and duplicate_repo: a repository, then the Space that runs it, then its secrets. */
@ApplicationScoped
class SpaceCreation {

  private static final Pattern SPACE_NAME = Pattern.compile("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$");

  @Inject HubSpaces spaces;

  @Inject Repositories repositories;

  @Inject Access access;

  /** What create_repo and duplicate_repo send, read from their JSON. */
  record Request(
      Sdk sdk,
      String hardware,
      Long sleepTimeSeconds,
      List<Map<String, Object>> secrets,
      List<Map<String, Object>> variables,
      Visibility visibility) {

    static Request of(Map<String, Object> body, Sdk defaultSdk) {
      Object sdk = body.get("sdk");
      Sdk parsed = defaultSdk;
      if (sdk != null) {
        if (!ReadmeCard.SDKS.contains(String.valueOf(sdk))) {
          throw HubError.badRequest("sdk must be one of gradio, streamlit, docker, static");
        }
        parsed = Sdk.valueOf(String.valueOf(sdk).toUpperCase(Locale.ROOT));
      }
      if (parsed == null) {
        throw HubError.badRequest("A Space needs an sdk: gradio, streamlit, docker or static");
      }
      Object sleep = body.get("sleepTimeSeconds");
      return new Request(
          parsed,
          body.get("hardware") == null ? null : String.valueOf(body.get("hardware")),
          sleep instanceof Number n ? n.longValue() : null,
          list(body.get("secrets")),
          list(body.get("variables")),
          SpaceCreation.visibility(body));
    }
  }

  /**
   * Clients from 1.8 send {@code visibility}; older ones {@code private}. "protected" (a public app
   * with private files) is public here: files are governed by RBAC anyway.
   */
  static Visibility visibility(Map<String, Object> body) {
    Object visibility = body.get("visibility");
    if (visibility != null) {
      return "private".equals(visibility) ? Visibility.PRIVATE : Visibility.PUBLIC;
    }
    return Boolean.TRUE.equals(body.get("private")) ? Visibility.PRIVATE : Visibility.PUBLIC;
  }

  static void checkName(String ns, String name) {
    if (ns == null || ns.isEmpty() || name == null || !SPACE_NAME.matcher(name).matches()) {
      throw HubError.badRequest(
          "A Space name must be a DNS label that starts with a letter (lowercase letters, digits and"
              + " '-', at most 63), and its owner a namespace: got "
              + ns
              + "/"
              + name);
    }
  }

  /**
   * Creates the Space {@code ns/name}; {@code copyFrom} duplicates another Space's repository
   * instead of writing a first README.
   */
  Space create(
      Caller caller,
      String ns,
      String name,
      Request request,
      String endpoint,
      Optional<String[]> copyFrom) {
    checkName(ns, name);
    if (request.sdk() == Sdk.DOCKER) {
      throw HubError.badRequest(
          "docker Spaces need an image build, which Spaceport does not do yet: build the image and"
              + " create the Space with kubectl (spec.source.image)");
    }
    if (!access.allowed(caller, "create", Access.GROUP, Access.SPACES, ns, null)) {
      throw HubError.forbidden(
          "You don't have the rights to create a Space in namespace " + ns + " (RBAC)");
    }
    String url = endpoint + "/spaces/" + ns + "/" + name;
    if (spaces.find(ns, name).isPresent()) {
      throw HubError.alreadyExists(ns + "/" + name, url);
    }
    String hardware = request.hardware() == null ? null : spaces.requireFlavor(request.hardware());
    String sleepTime =
        request.sleepTimeSeconds() == null ? null : HubSpaces.sleepTime(request.sleepTimeSeconds());
    Map<String, String> variables = new LinkedHashMap<>();
    for (Map<String, Object> v : request.variables()) {
      variables.put(key(v), String.valueOf(v.getOrDefault("value", "")));
    }
    PersonIdent who = identity(caller);
    ObjectId revision;
    if (copyFrom.isPresent()) {
      repositories.copy(copyFrom.get()[0], copyFrom.get()[1], ns, name);
      try (Repository repo = repositories.open(ns, name)) {
        revision = RepositoryFiles.head(repo).map(RevCommit::getId).orElseThrow();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    } else {
      revision =
          repositories.create(
              ns,
              name,
              List.of(
                  RepositoryCommits.Change.put(
                      "README.md", readme(name, request.sdk()).getBytes(StandardCharsets.UTF_8))),
              who);
    }
    Space space;
    try {
      Space wanted =
          spaces.newSpace(
              ns,
              name,
              request.sdk(),
              spaces.cloneUrl(endpoint, ns, name),
              revision,
              hardware,
              sleepTime,
              variables,
              request.visibility(),
              caller.user());
      if (copyFrom.isPresent()) {
        applyCard(wanted.getSpec(), ns, name);
      }
      space = spaces.create(wanted);
    } catch (RuntimeException e) {
      repositories.delete(ns, name);
      throw e;
    }
    for (Map<String, Object> s : request.secrets()) {
      spaces.putSecret(
          space,
          key(s),
          String.valueOf(s.getOrDefault("value", "")),
          (String) s.get("description"));
    }
    return space;
  }

  private void applyCard(SpaceSpec spec, String ns, String name) {
    try (Repository repo = repositories.open(ns, name)) {
      RevCommit head = RepositoryFiles.head(repo).orElseThrow();
      ReadmeCard card = RepositoryFiles.card(repo, head);
      spec.setAppFile(card.text("app_file"));
      spec.setAppPort(card.appPort());
      spec.setPythonVersion(card.text("python_version"));
      spec.setSdkVersion(card.text("sdk_version"));
      if (card.text("title") != null) {
        spec.setTitle(card.text("title"));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String key(Map<String, Object> entry) {
    Object key = entry.get("key");
    if (key == null || String.valueOf(key).isEmpty()) {
      throw HubError.badRequest("Each secret and variable needs a key");
    }
    return String.valueOf(key);
  }

  static PersonIdent identity(Caller caller) {
    return new PersonIdent(caller.hubName(), caller.hubName() + "@users.spaceport.dev");
  }

  /** The Hub's first commit of a Space: a README whose header says how it runs. */
  static String readme(String name, Sdk sdk) {
    String sdkName = sdk.name().toLowerCase(Locale.ROOT);
    StringBuilder header =
        new StringBuilder("---\n")
            .append("title: ")
            .append(name)
            .append('\n')
            .append("emoji: 🚀\ncolorFrom: blue\ncolorTo: green\n")
            .append("sdk: ")
            .append(sdkName)
            .append('\n');
    if (sdk == Sdk.GRADIO || sdk == Sdk.STREAMLIT) {
      header.append("app_file: app.py\n");
    }
    return header.append("pinned: false\n---\n\n# ").append(name).append('\n').toString();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return value instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }
}
