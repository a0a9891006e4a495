package dev.spaceport.gateway;

import dev.spaceport.api.Space;
import dev.spaceport.api.Visibility;
import dev.spaceport.rules.Hashes;
import dev.spaceport.rules.SpaceAccessReviews;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may visit a private Space: a visitor whose Kubernetes token ({@code Authorization: Bearer},
 * as the Hub's client sends it) or signed session cookie (a browser, after the sign-in page) names
 * a user that RBAC lets {@code get} the Space. Anyone else gets the page an unknown host gets.
 */
final class VisitorAccess {

  static final String SIGN_IN_PATH = "/.spaceport/sign-in";

  /** The sign-in form is one field; anything longer is not ours. */
  private static final long MAX_FORM_BYTES = 16 * 1024;

  /** A revoked token or RoleBinding counts within this long. */
  private static final long CACHE_MILLIS = Duration.ofSeconds(30).toMillis();

  private static final int CACHE_ENTRIES = 10_000;

  private record Cached<T>(T value, long expiresAt) {}

  private final Map<String, Cached<Optional<SpaceAccessReviews.User>>> users =
      new ConcurrentHashMap<>();
  private final Map<String, Cached<Boolean>> answers = new ConcurrentHashMap<>();

  private final KubernetesClient client;
  private final Vertx vertx;
  private final SessionCookies cookies;
  private final Duration sessionTtl;
  private final boolean secureCookies;

  VisitorAccess(
      KubernetesClient client,
      Vertx vertx,
      SessionCookies cookies,
      Duration sessionTtl,
      boolean secureCookies) {
    this.client = client;
    this.vertx = vertx;
    this.cookies = cookies;
    this.sessionTtl = sessionTtl;
    this.secureCookies = secureCookies;
  }

  static boolean isPrivate(Space space) {
    return space.getSpec().getVisibility() == Visibility.PRIVATE;
  }

  /** Whether this request may reach the (private) Space at {@code host}. */
  Future<Boolean> mayVisit(HttpServerRequest request, String host, Space space) {
    Optional<String> bearer = bearer(request);
    if (bearer.isPresent()) {
      return user(bearer.get())
          .compose(u -> u.isEmpty() ? Future.succeededFuture(false) : allowed(u.get(), space));
    }
    Optional<SessionCookies.Visitor> visitor =
        cookies.verify(cookie(request).orElse(null), host, Instant.now());
    if (visitor.isEmpty()) {
      return Future.succeededFuture(false);
    }
    SessionCookies.Visitor v = visitor.get();
    return allowed(new SpaceAccessReviews.User(v.user(), v.uid(), v.groups(), Map.of()), space);
  }

  /**
   * The app never sees the credentials its visitors showed the gateway: a Kubernetes token is not
   * the app's to keep, and the session cookie is the gateway's.
   */
  static void stripCredentials(HttpServerRequest request) {
    if (bearer(request).isPresent()) {
      request.headers().remove("Authorization");
    }
    List<String> kept = new ArrayList<>();
    for (String header : request.headers().getAll("Cookie")) {
      for (String part : header.split(";")) {
        if (!part.trim().startsWith(SessionCookies.NAME + "=") && !part.isBlank()) {
          kept.add(part.trim());
        }
      }
    }
    request.headers().remove("Cookie");
    if (!kept.isEmpty()) {
      request.headers().set("Cookie", String.join("; ", kept));
    }
  }

  /**
   * The sign-in page, the same on every host: GET shows the form, POST takes a token and, when it
   * names a user who may visit this host's private Space, sets that host's session cookie and sends
   * the browser back. Any other outcome is the unknown host's page.
   */
  void signIn(HttpServerRequest request, String host, Optional<Space> space) {
    String next = safeNext(request.getParam("next"));
    if (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) {
      request
          .response()
          .putHeader("Cache-Control", "no-store")
          .putHeader("Content-Type", "text/html; charset=utf-8")
          .end(GatewayPages.signIn(next));
      return;
    }
    String length = request.getHeader("Content-Length");
    if (request.method() != HttpMethod.POST
        || length == null
        || !length.matches("[0-9]{1,9}")
        || Long.parseLong(length) > MAX_FORM_BYTES) {
      request.response().putHeader("Connection", "close");
      notFound(request);
      return;
    }
    request.setExpectMultipart(true);
    request.endHandler(
        v -> {
          MultiMap form = request.formAttributes();
          String token = form.get("token") == null ? "" : form.get("token").trim();
          String target = safeNext(form.get("next"));
          if (token.isEmpty() || space.isEmpty()) {
            notFound(request);
            return;
          }
          user(token)
              .compose(
                  u ->
                      u.isEmpty()
                          ? Future.succeededFuture(Optional.<SpaceAccessReviews.User>empty())
                          : allowed(u.get(), space.get())
                              .map(ok -> ok ? u : Optional.<SpaceAccessReviews.User>empty()))
              .onComplete(
                  ar -> {
                    if (ar.failed() || ar.result().isEmpty()) {
                      notFound(request);
                      return;
                    }
                    SpaceAccessReviews.User u = ar.result().get();
                    String cookie =
                        cookies.issue(
                            new SessionCookies.Visitor(u.name(), u.uid(), u.groups()),
                            host,
                            Instant.now().plus(sessionTtl));
                    request
                        .response()
                        .setStatusCode(303)
                        .putHeader("Location", target)
                        .putHeader("Cache-Control", "no-store")
                        .putHeader(
                            "Set-Cookie", SessionCookies.header(cookie, sessionTtl, secureCookies))
                        .end();
                  });
        });
  }

  static void notFound(HttpServerRequest request) {
    Gateway.respond(request, 404, "text/html; charset=utf-8", GatewayPages.notFound());
  }

  /** Only a path on this host: never another site (an open redirect). */
  static String safeNext(String next) {
    if (next == null
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.startsWith("/\\")
        || next.chars().anyMatch(c -> c < 0x20)) {
      return "/";
    }
    return next;
  }

  private Future<Optional<SpaceAccessReviews.User>> user(String token) {
    String key = Hashes.sha256Hex(token, 64);
    Cached<Optional<SpaceAccessReviews.User>> hit = users.get(key);
    if (hit != null && hit.expiresAt() > System.currentTimeMillis()) {
      return Future.succeededFuture(hit.value());
    }
    return vertx
        .executeBlocking(
            () ->
                Optional.ofNullable(
                    SpaceAccessReviews.authenticated(
                        client
                            .resource(SpaceAccessReviews.tokenReview(token, List.of()))
                            .create())),
            false)
        .onSuccess(u -> put(users, key, u));
  }

  private Future<Boolean> allowed(SpaceAccessReviews.User user, Space space) {
    String key =
        String.join(
            "\u0000",
            user.name(),
            String.join(",", user.groups()),
            space.getMetadata().getNamespace(),
            space.getMetadata().getName());
    Cached<Boolean> hit = answers.get(key);
    if (hit != null && hit.expiresAt() > System.currentTimeMillis()) {
      return Future.succeededFuture(hit.value());
    }
    return vertx
        .executeBlocking(
            () ->
                SpaceAccessReviews.allowed(
                    client.resource(SpaceAccessReviews.visitReview(user, space)).create()),
            false)
        .onSuccess(ok -> put(answers, key, ok));
  }

  private static <T> void put(Map<String, Cached<T>> cache, String key, T value) {
    if (cache.size() >= CACHE_ENTRIES) {
      cache.clear();
    }
    cache.put(key, new Cached<>(value, System.currentTimeMillis() + CACHE_MILLIS));
  }

  static Optional<String> bearer(HttpServerRequest request) {
    String auth = request.getHeader("Authorization");
    if (auth == null || !auth.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
      return Optional.empty();
    }
    String token = auth.substring("bearer ".length()).trim();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  static Optional<String> cookie(HttpServerRequest request) {
    for (String header : request.headers().getAll("Cookie")) {
      for (String part : header.split(";")) {
        String p = part.trim();
        if (p.startsWith(SessionCookies.NAME + "=")) {
          return Optional.of(p.substring(SessionCookies.NAME.length() + 1));
        }
      }
    }
    return Optional.empty();
  }
}
