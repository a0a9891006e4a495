package dev.spaceport.hub;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error as the Hub sends it: JSON {@code {"error": ...}} plus the X-Error-* headers. */
class HubErrorMapper {

  private static final Logger LOG = Logger.getLogger(HubErrorMapper.class);

  @ServerExceptionMapper
  Response hubError(HubError e) {
    return response(e.status, e.errorCode, e.getMessage(), e.extra);
  }

  /** Unknown routes: JSON too (the CLI probes a few at start-up). */
  @ServerExceptionMapper
  Response notFound(NotFoundException e) {
    return response(404, null, "Not Found", Map.of());
  }

  @ServerExceptionMapper
  Response webApplication(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    return response(status, null, e.getMessage(), Map.of());
  }

  @ServerExceptionMapper
  Response unexpected(RuntimeException e) {
    // The message may name objects; it never holds a token (none is passed into exceptions).
    LOG.errorf(e, "hub: request failed");
    return response(500, null, "Internal error: " + e.getClass().getSimpleName(), Map.of());
  }

  static Response response(int status, String code, String message, Map<String, Object> extra) {
    Map<String, Object> body = new LinkedHashMap<>(extra);
    body.put("error", message);
    Response.ResponseBuilder r =
        Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
    if (code != null) {
      r.header("X-Error-Code", code);
    }
    // Header values must be one line of visible characters.
    r.header("X-Error-Message", message.replaceAll("[\\r\\n]+", " "));
    return r.build();
  }
}
