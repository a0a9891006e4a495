package dev.spaceport.gateway;

import dev.spaceport.api.Space;
import dev.spaceport.config.SpaceportConfig;
import dev.spaceport.operator.SpaceDeploymentDependent;
import dev.spaceport.operator.SpaceHosts;
import dev.spaceport.operator.SpaceLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The gateway's routing table, kept by informers: Host header → Space, and Space → the addresses
 * of its Ready pods. Listeners hear when a Space gets a Ready pod (that is how held requests are
 * released after a wake).
 */
public class SpaceDirectory {

    /** A Space by namespace and name. */
    public record SpaceKey(String namespace, String name) {
        static SpaceKey of(Space space) {
            return new SpaceKey(space.getMetadata().getNamespace(), space.getMetadata().getName());
        }

        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }

    private final SpaceportConfig config;
    private final Map<SpaceKey, Space> spaces = new ConcurrentHashMap<>();
    private final Map<String, SpaceKey> hosts = new ConcurrentHashMap<>();
    private final Map<SpaceKey, Map<String, String>> readyPodIps = new ConcurrentHashMap<>();
    private final List<Consumer<SpaceKey>> readyListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Space>> spaceListeners = new CopyOnWriteArrayList<>();
    private SharedIndexInformer<Space> spaceInformer;
    private SharedIndexInformer<Pod> podInformer;

    public SpaceDirectory(SpaceportConfig config) {
        this.config = config;
    }

    public void start(KubernetesClient client) {
        spaceInformer = client.resources(Space.class).inAnyNamespace().runnableInformer(0);
        spaceInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Space space) {
                put(space);
            }

            @Override
            public void onUpdate(Space old, Space space) {
                put(space);
            }

            @Override
            public void onDelete(Space space, boolean finalStateUnknown) {
                remove(space);
            }
        });
        podInformer = client.pods().inAnyNamespace().withLabel(SpaceLabels.MANAGED_BY, SpaceLabels.MANAGER)
                .runnableInformer(0);
        podInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                podChanged(pod, false);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                podChanged(pod, false);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                podChanged(pod, true);
            }
        });
        // Keep listing and watching through apiserver hiccups (a CRD just installed answers 429 for a moment).
        for (SharedIndexInformer<?> informer : List.of(spaceInformer, podInformer)) {
            informer.exceptionHandler((started, failure) -> true);
            informer.start();
        }
    }

    public void stop() {
        if (spaceInformer != null) {
            spaceInformer.close();
        }
        if (podInformer != null) {
            podInformer.close();
        }
    }

    public void onReadyPod(Consumer<SpaceKey> listener) {
        readyListeners.add(listener);
    }

    /** Hears every new version of a Space (its status included). */
    public void onSpaceChanged(Consumer<Space> listener) {
        spaceListeners.add(listener);
    }

    /** The Space a Host header names: its own host or one of its domains (any port, any case). */
    public Optional<SpaceKey> route(String hostHeader) {
        if (hostHeader == null) {
            return Optional.empty();
        }
        String host = hostHeader.toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon > 0 && !host.endsWith("]")) {
            host = host.substring(0, colon);
        }
        return Optional.ofNullable(hosts.get(host));
    }

    public Optional<Space> space(SpaceKey key) {
        return Optional.ofNullable(spaces.get(key));
    }

    /** A Ready pod's address on the Space's app port. */
    public Optional<SocketAddress> readyPod(SpaceKey key) {
        Space space = spaces.get(key);
        Map<String, String> pods = readyPodIps.get(key);
        if (space == null || pods == null || pods.isEmpty()) {
            return Optional.empty();
        }
        String ip = pods.values().iterator().next();
        return Optional.of(SocketAddress.inetSocketAddress(SpaceDeploymentDependent.appPort(space.getSpec()), ip));
    }

    private void put(Space space) {
        SpaceKey key = SpaceKey.of(space);
        Space previous = spaces.put(key, space);
        if (previous != null) {
            hosts.values().removeIf(key::equals);
        }
        hosts.put(SpaceHosts.host(space, config), key);
        Optional.ofNullable(space.getSpec().getDomains()).ifPresent(domains -> domains.forEach(d -> hosts.put(d, key)));
        spaceListeners.forEach(listener -> listener.accept(space));
    }

    private void remove(Space space) {
        SpaceKey key = SpaceKey.of(space);
        spaces.remove(key);
        hosts.values().removeIf(key::equals);
    }

    private void podChanged(Pod pod, boolean deleted) {
        String spaceName = pod.getMetadata().getLabels().get(SpaceLabels.SPACE);
        if (spaceName == null) {
            return;
        }
        SpaceKey key = new SpaceKey(pod.getMetadata().getNamespace(), spaceName);
        String podName = pod.getMetadata().getName();
        boolean ready = !deleted && pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
                && pod.getStatus().getPodIP() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        Map<String, String> pods = readyPodIps.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
        if (ready) {
            boolean wasEmpty = pods.isEmpty();
            pods.put(podName, pod.getStatus().getPodIP());
            if (wasEmpty) {
                readyListeners.forEach(listener -> listener.accept(key));
            }
        } else {
            pods.remove(podName);
        }
    }
}
