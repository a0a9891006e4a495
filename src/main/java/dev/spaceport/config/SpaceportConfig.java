package dev.spaceport.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Spaceport's configuration (application.properties, env SPACEPORT_*, or the chart's values). */
@ConfigMapping(prefix = "spaceport")
public interface SpaceportConfig {

    /** Spaces are served at {@code <namespace>-<name>.<domain>}; spaces.localhost resolves to loopback. */
    @WithDefault("spaces.localhost")
    String domain();

    /** Scheme of the public URLs: https behind a TLS-terminating ingress. */
    @WithDefault("http")
    String scheme();

    /** Port of the public URLs when it is not the scheme's default, e.g. 8080 for the local gateway. */
    Optional<Integer> publicPort();

    Ingress ingress();

    Runtime runtime();

    /**
     * Annotations a Space passes on to its pod when it carries them, e.g. a scraping hint or the test
     * world's {@code spaceport.dev/test-behaviour}. None by default: the admin chooses.
     */
    Optional<List<String>> podAnnotationsFromSpace();

    interface Ingress {
        /** IngressClass of the Spaces' Ingresses; the cluster's default class when unset. */
        Optional<String> className();

        /** Annotations for the ingress controller, e.g. body size and timeouts for SSE and WebSocket. */
        Map<String, String> annotations();

        /** A (wildcard) TLS Secret for the Spaces' hosts, in each Space's namespace. */
        Optional<String> tlsSecret();
    }

    /** Images that run Spaces whose source is git: they install the app's requirements and run appFile. */
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
