package dev.spaceport.hub;

import dev.spaceport.config.SpaceportConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A Space's repository over HTTP: file downloads ({@code resolve}) and git's smart HTTP protocol
 * over a Space's repository, at the Space's URL on the hub: {@code git clone
 * <hub>/spaces/<owner>/<name>}, with a Kubernetes token as the password. JGit speaks the protocol
 * over streams (UploadPack, ReceivePack); this class is the few lines of HTTP framing that JGit
 * ships only as a servlet, which Quarkus REST does not host.
 */
@Path("/spaces/{ns}/{name}")
public class SpaceRepositoryResource {

  static final String UPLOAD = "git-upload-pack";
  static final String RECEIVE = "git-receive-pack";

  @Inject Identities identities;

  @Inject Access access;

  @Inject HubSpaces spaces;

  @Inject Repositories repositories;

  @Inject HubRequests requests;

  @Inject SpaceportConfig config;

  @Inject SpaceFiles files;

  @GET
  @Path("resolve/{revision}/{path: .+}")
  public Response resolve(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      @PathParam("revision") String revision,
      @PathParam("path") String path) {
    return files.file(auth, ns, name, revision, path, true);
  }

  @HEAD
  @Path("resolve/{revision}/{path: .+}")
  public Response resolveHead(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      @PathParam("revision") String revision,
      @PathParam("path") String path) {
    return files.file(auth, ns, name, revision, path, false);
  }

  @GET
  @Path("info/refs")
  public Response advertise(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      @QueryParam("service") String service) {
    String space = repoName(name);
    if (!UPLOAD.equals(service) && !RECEIVE.equals(service)) {
      return text(403, "Only git's smart HTTP protocol is served: use git 1.6.6 or newer");
    }
    Response refused = authorize(auth, ns, space, RECEIVE.equals(service));
    if (refused != null) {
      return refused;
    }
    return streamed(
        ns,
        space,
        "application/x-" + service + "-advertisement",
        (repo, out) -> {
          PacketLineOut packets = new PacketLineOut(out);
          packets.writeString("# service=" + service + "\n");
          packets.end();
          RefAdvertiser.PacketLineOutRefAdvertiser advertiser =
              new RefAdvertiser.PacketLineOutRefAdvertiser(packets);
          if (UPLOAD.equals(service)) {
            uploadPack(repo).sendAdvertisedRefs(advertiser);
          } else {
            ReceivePack receive = new ReceivePack(repo);
            receive.setBiDirectionalPipe(false);
            receive.sendAdvertisedRefs(advertiser);
          }
        });
  }

  @POST
  @Path(UPLOAD)
  @Consumes(MediaType.WILDCARD)
  public Response upload(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      InputStream in) {
    String space = repoName(name);
    Response refused = authorize(auth, ns, space, false);
    if (refused != null) {
      return refused;
    }
    return streamed(
        ns,
        space,
        "application/x-" + UPLOAD + "-result",
        (repo, out) -> uploadPack(repo).upload(decoded(in, encoding), out, null));
  }

  @POST
  @Path(RECEIVE)
  @Consumes(MediaType.WILDCARD)
  public Response receive(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
      @HeaderParam(HttpHeaders.CONTENT_ENCODING) String encoding,
      @PathParam("ns") String ns,
      @PathParam("name") String name,
      InputStream in) {
    String space = repoName(name);
    Response refused = authorize(auth, ns, space, true);
    if (refused != null) {
      return refused;
    }
    Caller caller = identities.authenticate(auth);
    return streamed(
        ns,
        space,
        "application/x-" + RECEIVE + "-result",
        (repo, out) -> {
          ReceivePack receive = new ReceivePack(repo);
          receive.setBiDirectionalPipe(false);
          receive.setAllowDeletes(false);
          receive.setAllowNonFastForwards(false);
          receive.setAllowQuiet(true);
          receive.setMaxPackSizeLimit(config.hub().maxCommitSize().asLongValue());
          receive.setRefLogIdent(SpaceCreation.identity(caller));
          receive.setPostReceiveHook(
              (rp, commands) -> {
                for (ReceiveCommand c : commands) {
                  if (c.getResult() == ReceiveCommand.Result.OK
                      && c.getRefName().equals(Repositories.HEAD_REF)) {
                    rolled(repo, ns, space, c.getNewId(), caller);
                  }
                }
              });
          receive.receive(decoded(in, encoding), out, null);
        });
  }

  /** What a git request does with the open repository, writing its answer. */
  private interface GitWork {
    void run(Repository repo, OutputStream out) throws IOException;
  }

  /** The answer streams as JGit writes it; the repository stays open until it is written. */
  private Response streamed(String ns, String name, String contentType, GitWork work) {
    StreamingOutput body =
        out -> {
          try (Repository repo = repositories.open(ns, name)) {
            work.run(repo, out);
          }
        };
    return Response.ok(body, contentType).header(HttpHeaders.CACHE_CONTROL, "no-cache").build();
  }

  /** A push to the branch: the README's settings and the new revision roll the Space out. */
  private void rolled(Repository repo, String ns, String name, ObjectId id, Caller caller) {
    try {
      RevCommit head = RepositoryFiles.requireCommit(repo, id.name());
      ReadmeCard card = RepositoryFiles.card(repo, head);
      spaces.applyCommit(ns, name, id, card);
      requests.audit(caller, "push", ns + "/" + name, id.name());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static UploadPack uploadPack(Repository repo) {
    UploadPack upload = new UploadPack(repo);
    upload.setBiDirectionalPipe(false);
    // The init container fetches the Space's revision by its commit id.
    upload.setRequestPolicy(UploadPack.RequestPolicy.REACHABLE_COMMIT);
    return upload;
  }

  /**
   * Reading needs {@code get} on the Space, pushing {@code update}. Without a token git is asked
   * for one (401 with a challenge); a Space the caller may not see does not exist (404).
   */
  private Response authorize(String auth, String ns, String name, boolean write) {
    Caller caller;
    try {
      caller = identities.authenticate(auth);
    } catch (HubError e) {
      return challenge();
    }
    if (!access.mayGetSpace(caller, ns, name)) {
      return caller.isAnonymous() ? challenge() : text(404, "Repository not found");
    }
    if (write) {
      if (caller.isAnonymous() || caller.cloneToken()) {
        return challenge();
      }
      if (!access.allowed(caller, "update", Access.GROUP, Access.SPACES, ns, name)) {
        return text(
            403, caller.user() + " may not push to " + ns + "/" + name + " (RBAC: update spaces)");
      }
    }
    if (spaces.find(ns, name).isEmpty() || !repositories.exists(ns, name)) {
      return text(404, "Repository not found");
    }
    return null;
  }

  private static Response challenge() {
    return Response.status(401)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Spaceport\"")
        .type(MediaType.TEXT_PLAIN_TYPE)
        .entity("Authentication required: a Kubernetes token as the password\n")
        .build();
  }

  private static Response text(int status, String message) {
    return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE).entity(message + "\n").build();
  }

  private static InputStream decoded(InputStream in, String encoding) throws IOException {
    return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(in) : in;
  }

  private static String repoName(String name) {
    return name.endsWith(".git") ? name.substring(0, name.length() - 4) : name;
  }
}
