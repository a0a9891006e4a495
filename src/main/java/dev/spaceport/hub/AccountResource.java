package dev.spaceport.hub;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** whoami and the README check the client runs before every commit that has a README. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

  @Inject Identities identities;

  @GET
  @Path("whoami-v2")
  public Map<String, Object> whoami(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth) {
    Caller caller = identities.requireUser(auth);
    Map<String, Object> me = new LinkedHashMap<>();
    me.put("type", "user");
    me.put("id", caller.uid() == null ? caller.user() : caller.uid());
    me.put("name", caller.hubName());
    me.put("fullname", caller.user());
    me.put("email", null);
    me.put("emailVerified", false);
    me.put("isPro", false);
    me.put("canPay", false);
    me.put("avatarUrl", "");
    me.put("periodEnd", null);
    me.put("orgs", List.of());
    // login() in 0.x/1.x clients reads these two keys.
    me.put(
        "auth",
        Map.of(
            "type",
            "access_token",
            "accessToken",
            Map.of("displayName", "kubernetes", "role", "write")));
    return me;
  }

  /** Always JSON: the client parses the body before it looks at the status. */
  @POST
  @Path("validate-yaml")
  @Consumes(MediaType.WILDCARD)
  public Response validateYaml(Map<String, Object> body) {
    Object content = body == null ? null : body.get("content");
    ReadmeCard card = ReadmeCard.parse(content == null ? "" : String.valueOf(content));
    List<Map<String, String>> errors =
        card.errors().stream().map(e -> Map.of("message", e)).toList();
    return Response.status(errors.isEmpty() ? 200 : 400)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(Map.of("errors", errors, "warnings", List.of()))
        .build();
  }
}
