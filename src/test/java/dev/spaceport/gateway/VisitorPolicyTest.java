package dev.spaceport.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VisitorPolicyTest {

  /** The defaults of spaceport.gateway.ignored-paths and ignored-user-agents. */
  private static final VisitorPolicy POLICY =
      new VisitorPolicy(
          List.of("/health", "/healthz", "/readyz", "/livez", "/favicon.ico", "/robots.txt"),
          "(?i).*(bot|crawler|spider|slurp|facebookexternalhit|preview|uptime|pingdom|monitor|kube-probe).*");

  @ParameterizedTest(name = "{0} {1} by \"{2}\" counts: {3}")
  @CsvSource(
      nullValues = "NONE",
      value = {
        "GET,  /,              Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0, true",
        "POST, /gradio_api/queue/join, python-httpx/0.28.1,                 true",
        "GET,  /,              NONE,                                        true",
        "HEAD, /,              Mozilla/5.0,                                 false",
        "GET,  /healthz,       Mozilla/5.0,                                 false",
        "GET,  /robots.txt,    Mozilla/5.0,                                 false",
        "GET,  /favicon.ico,   Mozilla/5.0,                                 false",
        "GET,  /health/deep,   Mozilla/5.0,                                 true",
        "GET,  /,              Googlebot/2.1 (+http://www.google.com/bot.html), false",
        "GET,  /,              Slackbot-LinkExpanding 1.0,                  false",
        "GET,  /,              facebookexternalhit/1.1,                     false",
        "GET,  /,              kube-probe/1.36,                             false",
        "GET,  /,              UptimeRobot/2.0,                             false",
        "GET,  /,              Pingdom.com_bot_version_1.4,                 false",
        "GET,  /,              MONITOR-agent,                               false",
      })
  void countsOnlyVisitors(String method, String path, String agent, boolean counts) {
    assertThat(POLICY.counts(method, path, agent)).isEqualTo(counts);
  }

  @ParameterizedTest(name = "{0} Accept \"{1}\" Upgrade \"{2}\" wants HTML: {3}")
  @CsvSource(
      nullValues = "NONE",
      value = {
        "GET,  text/html,                                 NONE,      true",
        "GET,  'text/html,application/xhtml+xml,*/*;q=0.8', NONE,    true",
        "GET,  text/html,                                 websocket, false",
        "GET,  text/html,                                 WebSocket, false",
        "GET,  application/json,                          NONE,      false",
        "GET,  */*,                                       NONE,      false",
        "GET,  NONE,                                      NONE,      false",
        "POST, text/html,                                 NONE,      false",
        "HEAD, text/html,                                 NONE,      false",
      })
  void wantsHtmlOnlyForABrowserNavigating(
      String method, String accept, String upgrade, boolean wantsHtml) {
    assertThat(VisitorPolicy.wantsHtml(method, accept, upgrade)).isEqualTo(wantsHtml);
  }
}
