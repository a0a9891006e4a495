package dev.spaceport.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionCookiesTest {

  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private final SessionCookies cookies =
      new SessionCookies("k".repeat(32).getBytes(StandardCharsets.UTF_8));
  private final SessionCookies.Visitor alice =
      new SessionCookies.Visitor("alice", "uid-1", List.of("system:authenticated", "team-a"));

  @Test
  void aCookieNamesItsVisitorOnItsHostUntilItExpires() {
    String cookie = cookies.issue(alice, "ns-demo.spaces.example", NOW.plusSeconds(60));
    assertThat(cookies.verify(cookie, "ns-demo.spaces.example", NOW)).contains(alice);
    assertThat(cookies.verify(cookie, "ns-demo.spaces.example", NOW.plusSeconds(60))).isEmpty();
  }

  @Test
  void aCookieIsWorthNothingOnAnotherSpacesHost() {
    String cookie = cookies.issue(alice, "ns-demo.spaces.example", NOW.plusSeconds(60));
    assertThat(cookies.verify(cookie, "ns-other.spaces.example", NOW)).isEmpty();
  }

  @Test
  void anEditedOrForeignCookieIsRefused() {
    String cookie = cookies.issue(alice, "h", NOW.plusSeconds(60));
    String forged =
        new SessionCookies("x".repeat(32).getBytes(StandardCharsets.UTF_8))
            .issue(alice, "h", NOW.plusSeconds(60));
    String body = cookie.substring(0, cookie.indexOf('.'));
    String otherBody =
        cookies.issue(
            new SessionCookies.Visitor("mallory", null, List.of()), "h", NOW.plusSeconds(60));
    assertThat(cookies.verify(forged, "h", NOW)).isEmpty();
    assertThat(
            cookies.verify(
                otherBody.substring(0, otherBody.indexOf('.'))
                    + cookie.substring(cookie.indexOf('.')),
                "h",
                NOW))
        .isEmpty();
    assertThat(cookies.verify(body, "h", NOW)).isEmpty();
    assertThat(cookies.verify("garbage.garbage", "h", NOW)).isEmpty();
    assertThat(cookies.verify(null, "h", NOW)).isEmpty();
  }

  @Test
  void theCookieIsHostOnlyHttpOnlyAndSecureOverHttps() {
    String header = SessionCookies.header("v", Duration.ofHours(12), true);
    assertThat(header)
        .startsWith(SessionCookies.NAME + "=v;")
        .contains("HttpOnly", "SameSite=Lax", "Secure", "Max-Age=43200", "Path=/")
        .doesNotContain("Domain");
    assertThat(SessionCookies.header("v", Duration.ofHours(1), false)).doesNotContain("Secure");
  }

  @Test
  void signInReturnsOnlyToAPathOnTheSameHost() {
    assertThat(VisitorAccess.safeNext("/app?x=1")).isEqualTo("/app?x=1");
    assertThat(VisitorAccess.safeNext("//evil.example/")).isEqualTo("/");
    assertThat(VisitorAccess.safeNext("https://evil.example/")).isEqualTo("/");
    assertThat(VisitorAccess.safeNext("/\\evil.example")).isEqualTo("/");
    assertThat(VisitorAccess.safeNext("/a\r\nSet-Cookie: x")).isEqualTo("/");
    assertThat(VisitorAccess.safeNext(null)).isEqualTo("/");
  }
}
