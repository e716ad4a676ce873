package io.cotoami.common.session;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.LifecycleEvent;
import io.cotoami.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revocations as this instance knows them, and whether it knows them well enough to trust a
 * session. The truth is auth-service's Redis (a stream of revocations); this copy is
 * <ul>
 *   <li>fed at once by {@link Addresses#SESSION_REVOKED} (a publish, so it may be lost in a
 *       partition or while the process is frozen),</li>
 *   <li>caught up every {@link RevocationConfig#reconcileInterval()} by asking the source for what
 *       was stored after the last version seen, which no lost message can defeat,</li>
 *   <li>read again from the beginning whenever the cluster's membership changes or it merges
 *       after a split.</li>
 * </ul>
 * It is <em>fresh</em> while its last completed catch-up was sent less than
 * {@link RevocationConfig#maxStaleness()} ago. A stale copy (never loaded, or cut off) makes the
 * instance not ready and {@link SessionVerifier} refuse every session with 503: a revocation it
 * may have missed is never taken for a valid session for longer than that bound.
 */
public final class RevokedSessions {
  private static final Logger LOG = LoggerFactory.getLogger(RevokedSessions.class);
  private static final long SWEEP_MILLIS = 60_000;

  /** Where the revocations come from: auth-service over the bus, or (in auth-service) Redis. */
  @FunctionalInterface
  public interface Source {
    /** The revocations stored after {@code version} ({@code null}: all of them), a page at a time. */
    Future<RevocationPage> after(String version);
  }

  private final Vertx vertx;
  private final Source source;
  private final RevocationConfig config;
  /** Session id → the epoch millisecond after which its tokens have expired anyway. */
  private final Map<String, Long> sessions = new ConcurrentHashMap<>();
  /** User id → the revocation of every session of that user started before a moment (the latest). */
  private final Map<String, Revocation> users = new ConcurrentHashMap<>();
  private final List<Consumer<Revocation>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean syncing = new AtomicBoolean();
  private volatile boolean fullPending = true;
  private volatile String version;
  /** {@link System#nanoTime()} when the last completed catch-up was sent; {@code Long.MIN_VALUE}: never. */
  private volatile long syncedAt = Long.MIN_VALUE;
  private volatile boolean reportedStale;
  private MessageConsumer<JsonObject> consumer;
  private long reconciler = -1;
  private long sweeper = -1;

  private RevokedSessions(Vertx vertx, Source source, RevocationConfig config) {
    this.vertx = vertx;
    this.source = source;
    this.config = config;
  }

  public static RevokedSessions create(Vertx vertx, Source source, RevocationConfig config) {
    return new RevokedSessions(vertx, source, config);
  }

  /** The source of every service but auth-service: auth-service itself, over the bus. */
  public static Source fromAuthService(Vertx vertx, RevocationConfig config) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(config.requestTimeout().toMillis());
    return version -> vertx.eventBus()
        .<JsonObject>request(Addresses.REVOKED_SESSIONS_LIST, new RevocationPage.Query(version).toJson(), options)
        .map(reply -> RevocationPage.fromJson(reply.body()));
  }

  /**
   * Listens to revocations and loads them; completes once the first load has answered, or failed,
   * or not answered within the request timeout, whichever comes first. So an instance whose
   * source answers is current when it is announced and routed (it was announced before, and
   * refused the signed-in requests of its first moments with 503), and one whose source is down
   * still starts, at most a request timeout later. Until loaded, {@link #fresh()} is false (the
   * readiness check says so), sessions are refused with 503, and the load is retried every
   * reconcile interval.
   */
  public Future<RevokedSessions> start() {
    consumer = vertx.eventBus().<JsonObject>consumer(Addresses.SESSION_REVOKED, message -> {
      try {
        apply(Revocation.fromJson(message.body()));
      } catch (RuntimeException e) {
        LOG.warn("Ignored a malformed revocation event: {}", e.getMessage());
      }
    });
    reconciler = vertx.setPeriodic(config.reconcileInterval().toMillis(), id -> sync());
    sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    return consumer.completion()
        .compose(v -> sync().timeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .otherwiseEmpty())
        .map(this);
  }

  /**
   * Reads everything again on every membership change and after a merge: an instance that was
   * split off or frozen may have missed revocation events, and a new member may be a new Redis.
   */
  public RevokedSessions followMembership(HazelcastClusterManager clusterManager) {
    var hazelcast = clusterManager.getHazelcastInstance();
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        resyncAll();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        resyncAll();
      }
    });
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        resyncAll();
      }
    });
    return this;
  }

  /** Called for every revocation learned, from an event or a catch-up (live sockets close with it). */
  public void onRevoked(Consumer<Revocation> listener) {
    listeners.add(listener);
  }

  /** True while the last completed catch-up is younger than the staleness bound. */
  public boolean fresh() {
    long at = syncedAt;
    return at != Long.MIN_VALUE && System.nanoTime() - at < config.maxStaleness().toNanos();
  }

  /** For {@code ServiceInstance.readinessCheck}: fails while the copy is not known to be fresh. */
  public Future<Void> readiness() {
    if (fresh()) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(syncedAt == Long.MIN_VALUE ? "revoked sessions not loaded yet"
        : "revoked sessions not refreshed for over " + config.maxStaleness().toMillis() + " ms");
  }

  public boolean isRevoked(Session session) {
    Long until = sessions.get(session.sessionId());
    long now = System.currentTimeMillis();
    if (until != null && until > now) {
      return true;
    }
    Revocation user = users.get(session.userId());
    return user != null && !user.expired(now) && user.covers(session);
  }

  /** Adds a revocation (from an event, a catch-up, or auth-service's own sign-out). */
  public void apply(Revocation revocation) {
    if (revocation.expired(System.currentTimeMillis())) {
      return;
    }
    boolean learned;
    if (revocation.sessionId() != null) {
      learned = !sessions.containsKey(revocation.sessionId());
      sessions.merge(revocation.sessionId(), revocation.until(), Math::max);
    } else {
      // The latest "everywhere" of a user covers every earlier one.
      learned = users.merge(revocation.userId(), revocation, (a, b) -> a.before() >= b.before() ? a : b) == revocation;
    }
    if (learned) {
      listeners.forEach(listener -> listener.accept(revocation));
    }
  }

  public int size() {
    return sessions.size() + users.size();
  }

  private void resyncAll() {
    fullPending = true;
    vertx.runOnContext(v -> sync());
  }

  /**
   * One catch-up at a time; a full read when asked for one, else from the last version. Completes
   * when this catch-up has (whether it succeeded), at once when one was already running.
   */
  private Future<Void> sync() {
    if (!syncing.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    boolean full = fullPending;
    fullPending = false;
    long sentAt = System.nanoTime();
    boolean wasFresh = fresh();
    return readFrom(full ? null : version, full)
        .onSuccess(last -> {
          version = last;
          syncedAt = sentAt;
          if (!wasFresh) {
            LOG.info("Revoked sessions are current ({} known): signed-in requests are served", size());
          }
          reportedStale = false;
        })
        .onFailure(e -> {
          fullPending = fullPending || full;
          if (!fresh() && !reportedStale) {
            reportedStale = true;
            LOG.warn("Revoked sessions are not known to be current ({}): refusing signed-in requests with 503 "
                + "and retrying every {} ms", e.getMessage(), config.reconcileInterval().toMillis());
          }
        })
        .onComplete(ar -> syncing.set(false))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private Future<String> readFrom(String after, boolean full) {
    return source.after(after).compose(page -> {
      page.revocations().forEach(this::apply);
      String last = page.version() == null ? after : page.version();
      return page.more() ? readFrom(last, full) : Future.succeededFuture(last);
    });
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    sessions.values().removeIf(until -> until <= now);
    users.values().removeIf(revocation -> revocation.expired(now));
  }

  public Future<Void> close() {
    vertx.cancelTimer(reconciler);
    vertx.cancelTimer(sweeper);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
