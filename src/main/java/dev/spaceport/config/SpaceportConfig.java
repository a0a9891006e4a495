package dev.spaceport.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Spaceport's configuration (application.properties, env SPACEPORT_*, or the chart's values). */
@ConfigMapping(prefix = "spaceport")
public interface SpaceportConfig {

  /**
   * What this process runs: the operator, the gateway, the hub (the Hub's API and git), or several
   * (the default runs all three, for a single process).
   */
  @WithDefault("operator,gateway,hub")
  List<Role> roles();

  enum Role {
    OPERATOR,
    GATEWAY,
    HUB
  }

  /**
   * Spaces are served at {@code <namespace>-<name>.<domain>}; spaces.localhost resolves to
   * loopback.
   */
  @WithDefault("spaces.localhost")
  String domain();

  /** Scheme of the public URLs: https behind a TLS-terminating ingress. */
  @WithDefault("http")
  String scheme();

  /**
   * Port of the public URLs when it is not the scheme's default, e.g. 8080 for the local gateway.
   */
  Optional<Integer> publicPort();

  Ingress ingress();

  Runtime runtime();

  Gateway gateway();

  NetworkPolicy networkPolicy();

  LeaderElection leaderElection();

  Hub hub();

  Gpus gpus();

  /**
   * Annotations a Space passes on to its pod when it carries them, e.g. a scraping hint or the test
   * world's {@code spaceport.dev/test-behaviour}. None by default: the admin chooses.
   */
  Optional<List<String>> podAnnotationsFromSpace();

  interface Ingress {
    /** IngressClass of the Spaces' Ingresses; the cluster's default class when unset. */
    Optional<String> className();

    /**
     * Annotations for the ingress controller, e.g. body size and timeouts for SSE and WebSocket.
     */
    Map<String, String> annotations();

    /** A (wildcard) TLS Secret for the Spaces' hosts, in each Space's namespace. */
    Optional<String> tlsSecret();
  }

  /** The proxy in front of every Space (docs/architecture.md). */
  interface Gateway {
    /** Where the gateway listens; 0.0.0.0 in a pod, loopback on a developer's machine. */
    @WithDefault("127.0.0.1")
    String host();

    /** 0 picks a free port (tests). */
    @WithDefault("8080")
    int port();

    /**
     * HTTP servers, each on its own event loop; by default one per core the JVM sees (its CPU limit
     * in a pod).
     */
    Optional<Integer> eventLoops();

    /** A Space's last request is written to status.lastActivityTime at most this often. */
    @WithDefault("10s")
    Duration activityFlushInterval();

    /** Requests held per Space while it wakes; past this a client gets 503 with Retry-After. */
    @WithDefault("1000")
    int maxHeldRequests();

    /**
     * A visitor's open stream (a WebSocket, an SSE stream, a long download) keeps its Space awake
     * while it carries traffic at least this often; an abandoned one stops counting after this
     * long.
     */
    @WithDefault("30m")
    Duration streamIdleLimit();

    /**
     * On SIGTERM, held requests are answered 503 at once and proxied ones get this long to finish;
     * the pod's termination grace period must be longer (the chart's is).
     */
    @WithDefault("20s")
    Duration drainTimeout();

    /**
     * CIDRs of the peers (the ingress controller's pods) whose X-Forwarded-* headers are kept; from
     * any other peer they are replaced. None by default: every peer is a visitor.
     */
    Optional<List<String>> trustedProxies();

    /**
     * The key (at least 32 characters) that signs the session cookies of visitors who signed in to
     * private Spaces. Unset, the gateway keeps one in the Secret {@code <service>-session} beside
     * its Service (made by the first replica), so that every replica shares it.
     */
    Optional<String> sessionKey();

    /** How long a visitor who signed in to a private Space stays signed in. */
    @WithDefault("12h")
    Duration sessionTtl();

    /** A new connection that sends no complete request headers for this long is closed. */
    @WithDefault("30s")
    Duration headerTimeout();

    /**
     * A keep-alive connection with no new request for this long is closed; longer than the ingress
     * controller's upstream keep-alive (nginx: 60 s).
     */
    @WithDefault("2m")
    Duration keepAliveTimeout();

    /** Request bodies larger than this (by Content-Length) are refused with 413. */
    @WithDefault("256M")
    MemorySize maxBodySize();

    /**
     * Paths whose requests neither count as activity nor wake a Space (health checks, crawlers'
     * favourites).
     */
    @WithDefault("/health,/healthz,/readyz,/livez,/favicon.ico,/robots.txt")
    List<String> ignoredPaths();

    /**
     * The gateway's Service (namespace/name). Each Space's Service gets an EndpointSlice equal to
     * this Service's ready endpoints, so ingress → Space Service → gateway works with any
     * controller.
     */
    @WithDefault("spaceport/spaceport-gateway")
    String service();

    /**
     * Fixed gateway addresses instead of the Service's endpoints (the test world, where no gateway
     * pod exists).
     */
    Optional<List<String>> endpoints();

    /** The port the gateway's pods listen on, which the EndpointSlices name. */
    @WithDefault("8080")
    int podPort();

    /**
     * User agents (a regular expression) whose requests neither count nor wake: crawlers, link
     * previews, monitors.
     */
    @WithDefault(
        "(?i).*(bot|crawler|spider|slurp|facebookexternalhit|preview|uptime|pingdom|monitor|kube-probe).*")
    String ignoredUserAgents();
  }

  /**
   * A NetworkPolicy per Space that admits traffic to its pod only from the gateway's pods (an app
   * trusts the gateway's X-Forwarded-* headers). Off by default: a developer's machine has no
   * gateway pods; the Helm chart turns it on.
   */
  interface NetworkPolicy {
    @WithDefault("false")
    boolean enabled();

    /**
     * Where the gateway's pods run; by default the namespace of {@code spaceport.gateway.service}.
     */
    Optional<String> gatewayNamespace();

    /** Labels that select the gateway's pods in that namespace; every pod there when empty. */
    Map<String, String> gatewayPodLabels();
  }

  /** One active operator among replicas, through a Lease; the chart turns it on. */
  interface LeaderElection {
    @WithDefault("false")
    boolean enabled();

    @WithDefault("spaceport-operator")
    String leaseName();

    /**
     * The Lease's namespace; by default the namespace of the operator's service account (in a pod).
     */
    Optional<String> leaseNamespace();
  }

  /** The Hub's HTTP API for Spaces and git over HTTP (docs/hub-api.md). */
  interface Hub {
    /** The hub's port: Quarkus's HTTP server (health and metrics are on the management port). */
    @WithDefault("8090")
    int port();

    /**
     * The URL users give the Hub's client as HF_ENDPOINT, e.g. https://hub.example.com; the
     * request's own scheme and host when unset. The URLs the hub returns are built on it.
     */
    Optional<String> publicUrl();

    /** Directory of the Spaces' bare git repositories (a volume shared by the hub's replicas). */
    @WithDefault("${java.io.tmpdir}/spaceport-repositories")
    String repositories();

    /**
     * Base URL Space pods clone from inside the cluster (the hub's Service); the public URL, then
     * this process's own address, when unset.
     */
    Optional<String> cloneUrl();

    /** Commit bodies (NDJSON, files base64-encoded) larger than this are refused with 413. */
    @WithDefault("100M")
    MemorySize maxCommitSize();

    /** Audience of the service account tokens Space pods clone with. */
    @WithDefault("spaceport-hub")
    String tokenAudience();

    /** Spaces per page of a list; the client follows the Link header. */
    @WithDefault("100")
    int pageSize();
  }

  /** Scarce GPUs: fallback flavors, making room, usage (docs/hardware-flavors.md). */
  interface Gpus {
    /**
     * A Space with spec.hardwareFallback moves to a fallback flavor once its pod could not be
     * scheduled for this long.
     */
    @WithDefault("2m")
    Duration fallbackAfter();

    MakingRoom makingRoom();

    /**
     * status.usage is counted at every change of what a Space holds or whether it serves, and at
     * least this often while it holds hardware (the report and the counters add the time since).
     */
    @WithDefault("15m")
    Duration usageInterval();

    /**
     * Usage counts a Space as serving for this long after a visitor's request (and while a visitor
     * connection is open), as idle after it.
     */
    @WithDefault("1m")
    Duration servingWindow();
  }

  /**
   * A Space that waits for a GPU of a product with none free may put to sleep the least recently
   * visited idle Space holding one. Off by default.
   */
  interface MakingRoom {
    @WithDefault("false")
    boolean enabled();

    /** Only a Space nobody visited for at least this long is put to sleep for another. */
    @WithDefault("15m")
    Duration minIdle();
  }

  /**
   * Images that run Spaces whose source is git: they install the app's requirements and run
   * appFile.
   */
  interface Runtime {
    @WithDefault("ghcr.io/spaceport-dev/runtime-gradio:0.1.0")
    String gradioImage();

    @WithDefault("ghcr.io/spaceport-dev/runtime-streamlit:0.1.0")
    String streamlitImage();

    @WithDefault("ghcr.io/spaceport-dev/runtime-static:0.1.0")
    String staticImage();

    /** Clones the Space's repository into /home/user/app before the app starts. */
    @WithDefault("ghcr.io/spaceport-dev/git-clone:0.1.0")
    String gitImage();
  }
}
