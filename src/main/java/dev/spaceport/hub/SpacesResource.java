package dev.spaceport.hub;

import dev.spaceport.api.HardwareFlavor;
import dev.spaceport.api.Space;
import dev.spaceport.api.Visibility;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.rules.SpaceLabels;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;

/** A Space's info, runtime and settings: /api/spaces and /api/spaces/{owner}/{name}/... */
@Path("/api/spaces")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class SpacesResource {

  /** A Space's run log as fetch_space_logs gets it: its last lines. */
  private static final int LOG_LINES = 1000;

  @Inject HubRequests requests;

  @Inject Identities identities;

  @Inject Access access;

  @Inject HubSpaces spaces;

  @Inject Repositories repositories;

  @Inject SpaceCreation creation;

  @Inject SpaceportConfig config;

  @Inject SpaceFiles files;

  @Context UriInfo uri;

  @GET
  public Response list(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @QueryParam("author") String author,
      @QueryParam("search") String search,
      @QueryParam("limit") Integer limit,
      @QueryParam("expand") List<String> expand,
      @QueryParam("full") String full,
      @QueryParam("cursor") @DefaultValue("0") int cursor) {
    Caller caller = identities.authenticate(auth);
    Map<String, Boolean> listable = new TreeMap<>();
    List<Space> visible = new ArrayList<>();
    for (Space s : spaces.list(author)) {
      String ns = s.getMetadata().getNamespace();
      boolean mayList =
          listable.computeIfAbsent(
              ns, n -> access.allowed(caller, "list", Access.GROUP, Access.SPACES, n, null));
      if (!mayList) {
        continue;
      }
      if (search != null
          && !(ns + "/" + s.getMetadata().getName())
              .toLowerCase(Locale.ROOT)
              .contains(search.toLowerCase(Locale.ROOT))) {
        continue;
      }
      visible.add(s);
    }
    int pageSize =
        Math.max(
            1, Math.min(limit == null ? config.hub().pageSize() : limit, config.hub().pageSize()));
    int from = Math.max(0, Math.min(cursor, visible.size()));
    int to = Math.min(visible.size(), from + pageSize);
    boolean withRuntime = full != null || (expand != null && expand.contains("runtime"));
    List<Map<String, Object>> page = new ArrayList<>();
    // One read of the catalog for the page, not one per Space.
    Map<String, HardwareFlavor> flavors = new TreeMap<>();
    if (withRuntime) {
      spaces.flavorsSorted().forEach(f -> flavors.put(f.getMetadata().getName(), f));
    }
    for (Space s : visible.subList(from, to)) {
      Optional<HardwareFlavor> flavor = Optional.ofNullable(requestedFlavor(s)).map(flavors::get);
      page.add(SpaceViews.info(s, Optional.empty(), flavor, config, withRuntime));
    }
    Response.ResponseBuilder response = Response.ok(page);
    if (to < visible.size()) {
      String next =
          UriBuilder.fromUri(requests.endpoint(uri) + "/api/spaces")
              .replaceQuery(uri.getRequestUri().getRawQuery())
              .replaceQueryParam("cursor", to)
              .build()
              .toString();
      response.header("Link", "<" + next + ">; rel=\"next\"");
    }
    return response.build();
  }

  @GET
  @Path("hardware")
  public List<Map<String, Object>> hardware() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (HardwareFlavor f : spaces.flavorsSorted()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", f.getMetadata().getName());
      m.put(
          "prettyName",
          f.getSpec().getDisplayName() == null
              ? f.getMetadata().getName()
              : f.getSpec().getDisplayName());
      m.put("cpu", f.getSpec().getCpu() == null ? null : f.getSpec().getCpu().toString());
      m.put("ram", f.getSpec().getMemory() == null ? null : f.getSpec().getMemory().toString());
      m.put("accelerator", f.getSpec().getGpu() == null ? null : f.getSpec().getGpu().getProduct());
      m.put("unitCostUSD", f.getSpec().getPricePerHour());
      m.put("unitLabel", "hour");
      out.add(m);
    }
    return out;
  }

  @GET
  @Path("{ns}/{name}")
  public Map<String, Object> info(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name) {
    Space space = readable(auth, ns, name);
    return SpaceViews.info(space, repositoryView(ns, name, null), flavor(space), config, true);
  }

  @GET
  @Path("{ns}/{name}/revision/{revision}")
  public Map<String, Object> revision(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      @PathParam("revision") String revision) {
    Space space = readable(auth, ns, name);
    Optional<SpaceViews.Files> files = repositoryView(ns, name, revision);
    if (files.isEmpty()) {
      throw HubError.revisionNotFound(revision);
    }
    return SpaceViews.info(space, files, flavor(space), config, true);
  }

  @GET
  @Path("{ns}/{name}/runtime")
  public Map<String, Object> runtime(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name) {
    Space space = readable(auth, ns, name);
    return SpaceViews.runtime(space, flavor(space), config);
  }

  @POST
  @Path("{ns}/{name}/hardware")
  public Map<String, Object> requestHardware(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      Map<String, Object> body) {
    Caller caller = update(auth, ns, name);
    Object flavor = body == null ? null : body.get("flavor");
    if (flavor == null) {
      throw HubError.badRequest("flavor is required");
    }
    String hardware = spaces.requireFlavor(String.valueOf(flavor));
    String sleepTime =
        body.get("sleepTimeSeconds") instanceof Number n
            ? HubSpaces.sleepTime(n.longValue())
            : null;
    Space space =
        spaces.edit(
            ns,
            name,
            s -> {
              s.getSpec().setHardware(hardware);
              if (sleepTime != null) {
                s.getSpec().setSleepTime(sleepTime);
              }
            });
    requests.audit(caller, "hardware", ns + "/" + name, hardware);
    return SpaceViews.runtime(space, flavor(space), config);
  }

  @POST
  @Path("{ns}/{name}/sleeptime")
  public Map<String, Object> sleepTime(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      Map<String, Object> body) {
    Caller caller = update(auth, ns, name);
    if (body == null || !(body.get("seconds") instanceof Number seconds)) {
      throw HubError.badRequest("seconds is required (-1: never sleep)");
    }
    String sleepTime = HubSpaces.sleepTime(seconds.longValue());
    Space space = spaces.edit(ns, name, s -> s.getSpec().setSleepTime(sleepTime));
    requests.audit(caller, "sleeptime", ns + "/" + name, sleepTime);
    return SpaceViews.runtime(space, flavor(space), config);
  }

  @POST
  @Path("{ns}/{name}/pause")
  public Map<String, Object> pause(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name) {
    Caller caller = update(auth, ns, name);
    Space space = spaces.edit(ns, name, s -> s.getSpec().setPaused(true));
    requests.audit(caller, "pause", ns + "/" + name, "paused");
    return SpaceViews.runtime(space, flavor(space), config);
  }

  /** Unpauses, and starts a new pod; a factory reboot is the same here (no image to rebuild). */
  @POST
  @Path("{ns}/{name}/restart")
  public Map<String, Object> restart(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      @QueryParam("factory") String factory) {
    Caller caller = update(auth, ns, name);
    Space space =
        spaces.edit(
            ns,
            name,
            s -> {
              s.getSpec().setPaused(null);
              Map<String, String> annotations =
                  s.getMetadata().getAnnotations() == null
                      ? new TreeMap<>()
                      : new TreeMap<>(s.getMetadata().getAnnotations());
              annotations.put(SpaceLabels.RESTARTED_AT, Instant.now().toString());
              s.getMetadata().setAnnotations(annotations);
            });
    requests.audit(
        caller, factory == null ? "restart" : "factory-restart", ns + "/" + name, "restarted");
    return SpaceViews.runtime(space, flavor(space), config);
  }

  /**
   * update_repo_settings: visibility (private, or public; "protected" is public here), which the
   * gateway enforces. Gating (access requests) does not exist here: RBAC decides who sees a Space.
   */
  @PUT
  @Path("{ns}/{name}/settings")
  public Map<String, Object> settings(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      Map<String, Object> body) {
    Caller caller = update(auth, ns, name);
    body = body == null ? Map.of() : body;
    if (body.get("gated") != null && !Boolean.FALSE.equals(body.get("gated"))) {
      throw HubError.badRequest("Gated Spaces do not exist here: RBAC decides who sees a Space");
    }
    if (body.containsKey("visibility") || body.containsKey("private")) {
      Visibility visibility = SpaceCreation.visibility(body);
      spaces.edit(ns, name, s -> s.getSpec().setVisibility(visibility));
      requests.audit(
          caller, "settings", ns + "/" + name, visibility.name().toLowerCase(Locale.ROOT));
    }
    return Map.of();
  }

  @GET
  @Path("{ns}/{name}/secrets")
  public Map<String, Map<String, String>> secrets(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name) {
    return spaces.secretsMeta(readable(auth, ns, name));
  }

  @POST
  @Path("{ns}/{name}/secrets")
  public Map<String, Object> addSecret(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      Map<String, Object> body) {
    Caller caller = update(auth, ns, name);
    String key = SpaceCreation.key(body == null ? Map.of() : body);
    Object value = body.get("value");
    spaces.putSecret(
        spaces.require(ns, name),
        key,
        value == null ? "" : String.valueOf(value),
        (String) body.get("description"));
    requests.audit(caller, "add-secret", ns + "/" + name, key);
    return Map.of();
  }

  @DELETE
  @Path("{ns}/{name}/secrets")
  public Map<String, Object> deleteSecret(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      Map<String, Object> body) {
    Caller caller = update(auth, ns, name);
    String key = SpaceCreation.key(body == null ? Map.of() : body);
    spaces.deleteSecret(spaces.require(ns, name), key);
    requests.audit(caller, "delete-secret", ns + "/" + name, key);
    return Map.of();
  }

  @GET
  @Path("{ns}/{name}/variables")
  public Map<String, Map<String, String>> variables(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name) {
    return HubSpaces.variables(readable(auth, ns, name));
  }

  @POST
  @Path("{ns}/{name}/variables")
  public Map<String, Map<String, String>> addVariable(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      Map<String, Object> body) {
    Caller caller = update(auth, ns, name);
    String key = SpaceCreation.key(body == null ? Map.of() : body);
    Object value = body.get("value");
    Space space =
        spaces.putVariable(
            spaces.require(ns, name),
            key,
            value == null ? "" : String.valueOf(value),
            (String) body.get("description"));
    requests.audit(caller, "add-variable", ns + "/" + name, key);
    return HubSpaces.variables(space);
  }

  @DELETE
  @Path("{ns}/{name}/variables")
  public Map<String, Map<String, String>> deleteVariable(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      Map<String, Object> body) {
    Caller caller = update(auth, ns, name);
    String key = SpaceCreation.key(body == null ? Map.of() : body);
    Space space = spaces.deleteVariable(spaces.require(ns, name), key);
    requests.audit(caller, "delete-variable", ns + "/" + name, key);
    return HubSpaces.variables(space);
  }

  /**
   * duplicate_repo: the files and history, with the settings the request gives; secrets only from
   * the request (the source's values are never copied).
   */
  @POST
  @Path("{ns}/{name}/duplicate")
  public Map<String, Object> duplicate(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      Map<String, Object> body) {
    Caller caller = identities.requireUser(auth);
    access.requireSpace(caller, "get", ns, name);
    Space source = spaces.require(ns, name);
    if (!repositories.exists(ns, name)) {
      throw HubError.badRequest(
          "Space "
              + ns
              + "/"
              + name
              + " is not kept by the hub (made with kubectl): nothing to copy");
    }
    body = body == null ? Map.of() : body;
    String[] to = ReposResource.id(String.valueOf(body.get("repository")));
    creation.create(
        caller,
        to[0],
        to[1],
        SpaceCreation.Request.of(body, source.getSpec().getSdk()),
        requests.endpoint(uri),
        Optional.of(new String[] {ns, name}));
    requests.audit(caller, "duplicate", ns + "/" + name, "to " + to[0] + "/" + to[1]);
    return Map.of("url", requests.spaceUrl(uri, to[0], to[1]));
  }

  @POST
  @Path("{ns}/{name}/preupload/{revision}")
  public Map<String, Object> preupload(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      @PathParam("revision") String revision,
      Map<String, Object> body) {
    return files.preupload(auth, ns, name, revision, body);
  }

  @POST
  @Path("{ns}/{name}/commit/{revision}")
  public Map<String, Object> commit(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      @PathParam("revision") String revision,
      @QueryParam("create_pr") String createPr,
      InputStream body) {
    return files.commit(uri, auth, length, ns, name, revision, createPr, body);
  }

  @GET
  @Path("{ns}/{name}/tree/{revision}{path: (/.*)?}")
  public List<Map<String, Object>> tree(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      @PathParam("revision") String revision,
      @PathParam("path") String path,
      @QueryParam("recursive") String recursive) {
    return files.tree(auth, ns, name, revision, path, recursive);
  }

  /**
   * fetch_space_logs: the app's recent log lines as the Hub's server-sent events; build logs are
   * empty (Spaceport builds no images).
   */
  @GET
  @Path("{ns}/{name}/logs/{kind}")
  @Produces("text/event-stream")
  public Response logs(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      @PathParam("kind") String kind) {
    readable(auth, ns, name);
    if (!kind.equals("run") && !kind.equals("build")) {
      throw HubError.notFound("Logs are run or build");
    }
    String log = kind.equals("run") ? spaces.runLog(ns, name, LOG_LINES) : "";
    String now = Instant.now().toString();
    StringBuilder events = new StringBuilder();
    log.lines()
        .forEach(
            line ->
                events
                    .append("data: ")
                    .append(
                        new io.vertx.core.json.JsonObject()
                            .put("data", line + "\n")
                            .put("timestamp", now)
                            .encode())
                    .append("\n\n"));
    return Response.ok(events.toString(), "text/event-stream").build();
  }

  /** The Space, for a caller who may get it; RepoNotFound for anyone else. */
  private Space readable(String auth, String ns, String name) {
    access.requireSpace(identities.authenticate(auth), "get", ns, name);
    return spaces.require(ns, name);
  }

  private Caller update(String auth, String ns, String name) {
    Caller caller = identities.requireUser(auth);
    access.requireSpace(caller, "update", ns, name);
    return caller;
  }

  private Optional<HardwareFlavor> flavor(Space space) {
    return spaces.flavor(requestedFlavor(space));
  }

  /** spec.hardware, else the default flavor the operator chose (status.hardware.requested). */
  private static String requestedFlavor(Space space) {
    String name = space.getSpec().getHardware();
    if (name == null && space.getStatus() != null && space.getStatus().getHardware() != null) {
      name = space.getStatus().getHardware().getRequested();
    }
    return name;
  }

  /** The repository's view at a revision (its head when null); empty for a kubectl Space. */
  private Optional<SpaceViews.Files> repositoryView(String ns, String name, String revision) {
    Optional<Repository> found = repositories.find(ns, name);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    try (Repository repo = found.get()) {
      Optional<RevCommit> commit =
          revision == null ? RepositoryFiles.head(repo) : RepositoryFiles.commit(repo, revision);
      if (commit.isEmpty()) {
        return Optional.empty();
      }
      ReadmeCard card = RepositoryFiles.card(repo, commit.get());
      return Optional.of(
          new SpaceViews.Files(
              commit.get(), card, RepositoryFiles.list(repo, commit.get(), "", true)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
