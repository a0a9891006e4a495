package dev.spaceport.hub;

import dev.spaceport.api.Space;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** create_repo, delete_repo and move_repo, for repositories of type space. */
@Path("/api/repos")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class ReposResource {

  @Inject HubRequests requests;

  @Inject Identities identities;

  @Inject Access access;

  @Inject HubSpaces spaces;

  @Inject Repositories repositories;

  @Inject SpaceCreation creation;

  @Context UriInfo uri;

  @POST
  @Path("create")
  public Map<String, Object> create(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth, Map<String, Object> body) {
    Caller caller = identities.requireUser(auth);
    body = body == null ? Map.of() : body;
    requireSpaceType(body.get("type"));
    String ns = namespace(body, caller);
    String name = String.valueOf(body.get("name"));
    Space space =
        creation.create(
            caller,
            ns,
            name,
            SpaceCreation.Request.of(body, null),
            requests.endpoint(uri),
            Optional.empty());
    requests.audit(caller, "create", ns + "/" + name, "created");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("url", requests.spaceUrl(uri, ns, name));
    out.put("name", ns + "/" + name);
    out.put("id", space.getMetadata().getUid());
    return out;
  }

  @DELETE
  @Path("delete")
  @Produces(MediaType.TEXT_PLAIN)
  public String delete(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth, Map<String, Object> body) {
    Caller caller = identities.requireUser(auth);
    body = body == null ? Map.of() : body;
    requireSpaceType(body.get("type"));
    String ns = namespace(body, caller);
    String name = String.valueOf(body.get("name"));
    access.requireSpace(caller, "delete", ns, name);
    spaces.require(ns, name);
    spaces.delete(ns, name);
    repositories.delete(ns, name);
    requests.audit(caller, "delete", ns + "/" + name, "deleted");
    return "OK";
  }

  /**
   * A new id for a Space: a new Space with the same settings and history; its secrets stay behind
   * (copying them would show their values to whoever may read Secrets where they land).
   */
  @POST
  @Path("move")
  public Response move(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth, Map<String, Object> body) {
    Caller caller = identities.requireUser(auth);
    body = body == null ? Map.of() : body;
    requireSpaceType(body.get("type"));
    String[] from = id(String.valueOf(body.get("fromRepo")));
    String[] to = id(String.valueOf(body.get("toRepo")));
    access.requireSpace(caller, "delete", from[0], from[1]);
    Space old = spaces.require(from[0], from[1]);
    if (!repositories.exists(from[0], from[1])) {
      throw HubError.badRequest(
          "Space " + from[0] + "/" + from[1] + " is not kept by the hub (made with kubectl)");
    }
    SpaceCreation.Request request =
        new SpaceCreation.Request(
            old.getSpec().getSdk(),
            old.getSpec().getHardware(),
            null,
            java.util.List.of(),
            java.util.List.of(),
            old.getSpec().getVisibility() == null
                ? dev.spaceport.api.Visibility.PUBLIC
                : old.getSpec().getVisibility());
    creation.create(caller, to[0], to[1], request, requests.endpoint(uri), Optional.of(from));
    spaces.edit(
        to[0],
        to[1],
        s -> {
          s.getSpec().setSleepTime(old.getSpec().getSleepTime());
          s.getSpec().setVariables(old.getSpec().getVariables());
        });
    spaces.delete(from[0], from[1]);
    repositories.delete(from[0], from[1]);
    requests.audit(caller, "move", from[0] + "/" + from[1], "moved to " + to[0] + "/" + to[1]);
    return Response.ok(Map.of("url", requests.spaceUrl(uri, to[0], to[1])))
        .header("X-HF-Warning", "spaceport; secrets are not moved: add them to the new Space")
        .build();
  }

  static void requireSpaceType(Object type) {
    if (!"space".equals(type)) {
      throw HubError.badRequest("Spaceport hosts Spaces only: repo_type must be \"space\"");
    }
  }

  static String namespace(Map<String, Object> body, Caller caller) {
    Object org = body.get("organization");
    return org == null ? caller.hubName() : String.valueOf(org);
  }

  static String[] id(String repoId) {
    String[] parts = repoId.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw HubError.badRequest("A Space id is <owner>/<name>: " + repoId);
    }
    return parts;
  }
}
