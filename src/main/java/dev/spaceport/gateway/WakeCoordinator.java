package dev.spaceport.gateway;

import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import dev.spaceport.operator.SpaceDeploymentDependent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds requests for a Space without a Ready pod and releases them all to the first one (flow 5):
 * asks a sleeping Space to wake (status.wakeRequestedAt, once per sleep), bounds the queue per Space,
 * and gives up after the Space's startupTimeout. A paused Space is never woken.
 */
class WakeCoordinator {

    /** Why a request could not be served; the gateway answers 503 with Retry-After. */
    static final class Unavailable extends RuntimeException {
        final String why;

        Unavailable(String why) {
            super(why, null, false, false);
            this.why = why;
        }
    }

    private record Waiter(Promise<SocketAddress> promise, long timer) {
    }

    private final Vertx vertx;
    private final SpaceDirectory directory;
    private final SpaceStatusWriter writer;
    private final int maxHeld;
    private final MeterRegistry meters;
    private final Map<SpaceKey, Queue<Waiter>> waiters = new ConcurrentHashMap<>();
    private final Map<SpaceKey, AtomicInteger> held = new ConcurrentHashMap<>();
    /** The sleep (its sleepingSince) each Space was asked to wake from, and when. */
    private final Map<SpaceKey, String> wokeFrom = new ConcurrentHashMap<>();
    private final Map<SpaceKey, Instant> wakeStarted = new ConcurrentHashMap<>();

    WakeCoordinator(Vertx vertx, SpaceDirectory directory, SpaceStatusWriter writer, int maxHeld, MeterRegistry meters) {
        this.vertx = vertx;
        this.directory = directory;
        this.writer = writer;
        this.maxHeld = maxHeld;
        this.meters = meters;
        directory.onReadyPod(this::release);
        // A request may come after the pod went but before the gateway saw status.sleepingSince:
        // it is held, and the wake is asked for as soon as the Space is seen asleep.
        directory.onSpaceChanged(space -> {
            SpaceKey key = SpaceKey.of(space);
            Queue<Waiter> queue = waiters.get(key);
            if (queue != null && !queue.isEmpty()) {
                requestWake(key, space);
            }
        });
    }

    /** A Ready pod of the Space: at once if it has one, else once it has (waking it if it sleeps). */
    Future<SocketAddress> readyPod(SpaceKey key) {
        var ready = directory.readyPod(key);
        if (ready.isPresent()) {
            return Future.succeededFuture(ready.get());
        }
        Space space = directory.space(key).orElse(null);
        if (space == null) {
            return Future.failedFuture(new Unavailable("gone"));
        }
        if (Boolean.TRUE.equals(space.getSpec().getPaused())) {
            return Future.failedFuture(new Unavailable("paused"));
        }
        AtomicInteger count = held(key);
        if (count.incrementAndGet() > maxHeld) {
            count.decrementAndGet();
            return Future.failedFuture(new Unavailable("busy"));
        }
        requestWake(key, space);
        Promise<SocketAddress> promise = Promise.promise();
        Duration timeout = SpaceDeploymentDependent.startupTimeout(space.getSpec());
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> promise.tryFail(new Unavailable("timeout")));
        Waiter waiter = new Waiter(promise, timer);
        waiters.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(waiter);
        promise.future().onComplete(done -> {
            count.decrementAndGet();
            vertx.cancelTimer(timer);
            Queue<Waiter> queue = waiters.get(key);
            if (queue != null) {
                queue.remove(waiter);
            }
        });
        // The pod may have become Ready between the first look and the registration.
        directory.readyPod(key).ifPresent(address -> release(key));
        return promise.future();
    }

    /** Asks a sleeping Space to wake, once per sleep. Also for a waking page that holds no request. */
    void requestWake(SpaceKey key, Space space) {
        SpaceStatus status = space.getStatus();
        if (status == null || status.getSleepingSince() == null || Boolean.TRUE.equals(space.getSpec().getPaused())) {
            return;
        }
        String sleep = status.getSleepingSince();
        boolean alreadyAsked = status.getWakeRequestedAt() != null
                && Instant.parse(status.getWakeRequestedAt()).isAfter(Instant.parse(sleep));
        if (alreadyAsked || sleep.equals(wokeFrom.put(key, sleep))) {
            return;
        }
        Instant now = Instant.now();
        wakeStarted.put(key, now);
        Counter.builder("spaceport.gateway.wakes").description("Wakes the gateway asked for")
                .tag("space", key.toString()).register(meters).increment();
        vertx.executeBlocking(() -> writer.write(key, "wakeRequestedAt", now), false).onSuccess(written -> {
            if (!written) {
                wokeFrom.remove(key, sleep); // the next request asks again
            }
        });
    }


    private AtomicInteger held(SpaceKey key) {
        return held.computeIfAbsent(key, k -> {
            AtomicInteger count = new AtomicInteger();
            meters.gauge("spaceport.gateway.held.requests", io.micrometer.core.instrument.Tags.of("space", k.toString()), count);
            return count;
        });
    }

    private void release(SpaceKey key) {
        Instant started = wakeStarted.remove(key);
        if (started != null) {
            Timer.builder("spaceport.gateway.wake.duration").description("From the wake request to a Ready pod")
                    .tag("space", key.toString()).register(meters).record(Duration.between(started, Instant.now()));
        }
        Queue<Waiter> queue = waiters.get(key);
        var address = directory.readyPod(key);
        if (queue == null || address.isEmpty()) {
            return;
        }
        Waiter waiter;
        while ((waiter = queue.poll()) != null) {
            waiter.promise().tryComplete(address.get());
        }
    }
}
