package dev.spaceport.hub;

import dev.spaceport.config.SpaceportConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;

/** What every endpoint needs of a request: the caller, the endpoint's URL, an audit line. */
@ApplicationScoped
class HubRequests {

  /** One line per change, naming the user; never a token or a secret's value. */
  private static final Logger AUDIT = Logger.getLogger("dev.spaceport.hub.audit");

  @Inject Identities identities;

  @Inject Access access;

  @Inject SpaceportConfig config;

  /** The URL the client called (HF_ENDPOINT): the URLs we return must be on its host. */
  String endpoint(UriInfo uri) {
    return config
        .hub()
        .publicUrl()
        .orElseGet(() -> uri.getBaseUri().toString())
        .replaceAll("/+$", "");
  }

  String spaceUrl(UriInfo uri, String ns, String name) {
    return endpoint(uri) + "/spaces/" + ns + "/" + name;
  }

  void audit(Caller caller, String action, String id, String outcome) {
    AUDIT.infof("user=%s action=%s space=%s outcome=%s", caller.user(), action, id, outcome);
  }
}
