package dev.spaceport.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cookie a browser gets when its visitor signs in to a private Space: who they are (as the API
 * server's TokenReview said), for which Space host, until when, signed with the gateway's key so it
 * cannot be forged or moved to another host. It carries no token. Pure.
 */
final class SessionCookies {

  static final String NAME = "spaceport_session";

  /** Who a valid cookie names; RBAC is asked again about them on each visit (cached briefly). */
  record Visitor(String user, String uid, List<String> groups) {}

  private final byte[] key;

  SessionCookies(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("the session key needs at least 32 bytes");
    }
    this.key = key.clone();
  }

  String issue(Visitor visitor, String host, Instant expires) {
    JsonObject payload =
        new JsonObject()
            .put("u", visitor.user())
            .put("i", visitor.uid())
            .put("g", new JsonArray(visitor.groups()))
            .put("h", host)
            .put("e", expires.getEpochSecond());
    String body =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
    return body + "." + sign(body);
  }

  /** The visitor, if the cookie is ours, for this host, and not expired. */
  Optional<Visitor> verify(String cookie, String host, Instant now) {
    if (cookie == null) {
      return Optional.empty();
    }
    int dot = cookie.indexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    String body = cookie.substring(0, dot);
    byte[] given = cookie.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(given, sign(body).getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    try {
      JsonObject payload =
          new JsonObject(new String(Base64.getUrlDecoder().decode(body), StandardCharsets.UTF_8));
      if (!host.equals(payload.getString("h"))
          || now.getEpochSecond() >= payload.getLong("e", 0L)) {
        return Optional.empty();
      }
      List<String> groups =
          payload.getJsonArray("g", new JsonArray()).stream().map(String::valueOf).toList();
      return Optional.of(new Visitor(payload.getString("u"), payload.getString("i"), groups));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The Set-Cookie value: host-only (no Domain), HttpOnly, SameSite=Lax, Secure over https. */
  static String header(String value, Duration ttl, boolean secure) {
    return NAME
        + "="
        + value
        + "; Path=/; Max-Age="
        + ttl.toSeconds()
        + "; HttpOnly; SameSite=Lax"
        + (secure ? "; Secure" : "");
  }

  private String sign(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(body.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
