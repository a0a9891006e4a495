package dev.spaceport.gateway;

import dev.spaceport.api.Space;
import dev.spaceport.api.SpaceStatus;
import dev.spaceport.gateway.SpaceDirectory.SpaceKey;
import dev.spaceport.rules.SpaceDefaults;
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
 * asks a sleeping Space to wake (status.wakeRequestedAt, once per sleep), bounds the queue per
 * Space, and gives up after the Space's startupTimeout. A paused Space is never woken.
 */
class WakeCoordinator {

  private record Waiter(Promise<SocketAddress> promise, long timer) {}

  private final Vertx vertx;
  private final SpaceDirectory directory;
  private final SpaceStatusWriter writer;
  private final int maxHeld;
  private final GatewayMetrics metrics;
  private final Map<SpaceKey, Queue<Waiter>> waiters = new ConcurrentHashMap<>();

  /** Waking pages' long-polls: told when the Space is ready, holding no request and no slot. */
  private final Map<SpaceKey, Queue<Promise<Void>>> watchers = new ConcurrentHashMap<>();

  private final Map<SpaceKey, AtomicInteger> held = new ConcurrentHashMap<>();

  /** The sleep (its sleepingSince) each Space was asked to wake from, and when. */
  private final Map<SpaceKey, String> wokeFrom = new ConcurrentHashMap<>();

  private final Map<SpaceKey, Instant> wakeStarted = new ConcurrentHashMap<>();

  WakeCoordinator(
      Vertx vertx,
      SpaceDirectory directory,
      SpaceStatusWriter writer,
      int maxHeld,
      GatewayMetrics metrics) {
    this.vertx = vertx;
    this.directory = directory;
    this.writer = writer;
    this.maxHeld = maxHeld;
    this.metrics = metrics;
    directory.onReadyPod(this::release);
    // A Space deleted while requests wait for it will never answer them.
    directory.onSpaceDeleted(key -> failAll(key, Unavailable.Reason.GONE));
    // A request may come after the pod went but before the gateway saw status.sleepingSince:
    // it is held, and the wake is asked for as soon as the Space is seen asleep.
    directory.onSpaceChanged(
        space -> {
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
      return Future.failedFuture(new Unavailable(Unavailable.Reason.GONE));
    }
    if (SpaceDefaults.paused(space)) {
      return Future.failedFuture(new Unavailable(Unavailable.Reason.PAUSED));
    }
    AtomicInteger count = held(key);
    if (count.incrementAndGet() > maxHeld) {
      count.decrementAndGet();
      return Future.failedFuture(new Unavailable(Unavailable.Reason.BUSY));
    }
    requestWake(key, space);
    Promise<SocketAddress> promise = Promise.promise();
    Duration timeout = SpaceDefaults.startupTimeout(space.getSpec());
    long timer =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            t -> promise.tryFail(new Unavailable(Unavailable.Reason.TIMEOUT)));
    Waiter waiter = new Waiter(promise, timer);
    waiters.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(waiter);
    promise
        .future()
        .onComplete(
            done -> {
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

  /**
   * Completes once the Space has a Ready pod, or after {@code maxWaitMillis} at the latest. Asks no
   * wake and takes none of the Space's held-request slots: a waking page's long-poll.
   */
  Future<Void> readyOrAfter(SpaceKey key, long maxWaitMillis) {
    if (directory.readyPod(key).isPresent()) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    Queue<Promise<Void>> queue = watchers.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
    queue.add(promise);
    long timer = vertx.setTimer(Math.max(1, maxWaitMillis), t -> promise.tryComplete());
    promise
        .future()
        .onComplete(
            done -> {
              vertx.cancelTimer(timer);
              queue.remove(promise);
            });
    if (directory.readyPod(key).isPresent()) {
      promise.tryComplete();
    }
    return promise.future();
  }

  /** Answers every held request now: the gateway is stopping. */
  void stop() {
    for (SpaceKey key : waiters.keySet()) {
      failAll(key, Unavailable.Reason.STOPPING);
    }
  }

  private void failAll(SpaceKey key, Unavailable.Reason reason) {
    Queue<Waiter> queue = waiters.get(key);
    Waiter waiter;
    while (queue != null && (waiter = queue.poll()) != null) {
      waiter.promise().tryFail(new Unavailable(reason));
    }
    Queue<Promise<Void>> watching = watchers.get(key);
    Promise<Void> watcher;
    while (watching != null && (watcher = watching.poll()) != null) {
      watcher.tryComplete();
    }
  }

  /**
   * Asks a sleeping Space to wake, once per sleep. Also for a waking page that holds no request.
   */
  void requestWake(SpaceKey key, Space space) {
    SpaceStatus status = space.getStatus();
    if (status == null || status.getSleepingSince() == null || SpaceDefaults.paused(space)) {
      return;
    }
    String sleep = status.getSleepingSince();
    boolean alreadyAsked =
        status.getWakeRequestedAt() != null
            && Instant.parse(status.getWakeRequestedAt()).isAfter(Instant.parse(sleep));
    if (alreadyAsked || sleep.equals(wokeFrom.put(key, sleep))) {
      return;
    }
    Instant now = Instant.now();
    wakeStarted.put(key, now);
    metrics.wakeRequested(key);
    vertx
        .executeBlocking(() -> writer.write(key, "wakeRequestedAt", now), false)
        .onSuccess(
            written -> {
              if (!written) {
                wokeFrom.remove(key, sleep); // the next request asks again
              }
            });
  }

  private AtomicInteger held(SpaceKey key) {
    return held.computeIfAbsent(key, metrics::heldRequests);
  }

  private void release(SpaceKey key) {
    Instant started = wakeStarted.remove(key);
    if (started != null) {
      metrics.wakeCompleted(key, Duration.between(started, Instant.now()));
    }
    Queue<Waiter> queue = waiters.get(key);
    var address = directory.readyPod(key);
    if (address.isEmpty()) {
      return;
    }
    Waiter waiter;
    while (queue != null && (waiter = queue.poll()) != null) {
      waiter.promise().tryComplete(address.get());
    }
    Queue<Promise<Void>> watching = watchers.get(key);
    Promise<Void> watcher;
    while (watching != null && (watcher = watching.poll()) != null) {
      watcher.tryComplete();
    }
  }
}
