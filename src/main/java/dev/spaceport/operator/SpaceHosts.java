package dev.spaceport.operator;

import dev.spaceport.api.Space;
import dev.spaceport.config.SpaceportConfig;

/** Where a Space is served: {@code <namespace>-<name>.<domain>} and its public URL. Pure. */
public final class SpaceHosts {

    private SpaceHosts() {
    }

    public static String host(Space space, SpaceportConfig config) {
        return space.getMetadata().getNamespace() + "-" + space.getMetadata().getName() + "." + config.domain();
    }

    public static String url(Space space, SpaceportConfig config) {
        String port = config.publicPort().map(p -> ":" + p).orElse("");
        return config.scheme() + "://" + host(space, config) + port + "/";
    }
}
