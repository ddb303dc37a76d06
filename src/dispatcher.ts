/**
 * The event dispatcher: one publish path fanned out to a bounded queue per client.
 *
 * - `publish()` encodes an event once; every subscriber receives the same bytes.
 * - Each subscriber's stream is pull-driven: bytes wait in the subscriber's own queue until the runtime
 *   asks for more, and everything waiting is handed over as one chunk (one write). A stream whose
 *   runtime is already waiting gets its bytes at once (a microtask), but at most once per turn of the
 *   event loop: what later publishes of the same turn add goes out when the turn ends, in one chunk
 *   (`FlushScheduler`). The queue is bounded in bytes; on overflow the declared
 *   policy applies (see `OverflowPolicy`). Fan-out never awaits a client, so one slow client cannot
 *   hold up the others.
 * - A subscription ends on whichever the runtime delivers first: the request's abort signal or the
 *   cancellation of the response stream. Both are reported whenever they happen, also after the end, so
 *   that the suite can see what each runtime really does.
 * - Ids increase by one per event; a replay buffer serves reconnects that send `Last-Event-ID`.
 * - One shared heartbeat timer for all subscribers, running only while one of them wants it.
 * - `close()` sends every subscriber a final `shutdown` event, ends its stream cleanly, and refuses new
 *   subscribers.
 *
 * Beside this file: the per-client queue (subscriber-queue.ts), the replay buffer (replay-buffer.ts)
 * and the one flush per turn (flush-scheduler.ts). This one fans out, applies the overflow policy,
 * ends subscriptions, runs the heartbeat and keeps the counts.
 */
import { FlushScheduler } from "./flush-scheduler.ts";
import type { Observer } from "./observations.ts";
import { ReplayBuffer, type ReplayOutcome } from "./replay-buffer.ts";
import { encodeEvent, encodeText, formatComment, formatRetry } from "./sse.ts";
import { concat, Subscriber } from "./subscriber-queue.ts";

/**
 * What happens when a subscriber's queue would exceed its bound:
 * - `disconnect` (default): the queued bytes are discarded and the stream is ended. The client
 *   reconnects with `Last-Event-ID` and the replay buffer fills the gap, so nothing is silently lost.
 * - `drop-newest`: the event that does not fit is not queued for that client (a gap it cannot see).
 */
export type OverflowPolicy = "disconnect" | "drop-newest";

/** Why a subscription ended. `signal` and `cancel` are the runtime's; the others are the server's. */
export type EndMechanism = "signal" | "cancel" | "overflow" | "shutdown" | "server-end";

export interface DispatcherOptions {
  /** Events kept for `Last-Event-ID` replay. */
  replayLimit?: number;
  /** Bytes the replay buffer may hold; the oldest events go first (the newest one always stays). */
  replayLimitBytes?: number;
  /** Bytes a subscriber may have waiting before the overflow policy applies. */
  queueLimitBytes?: number;
  overflowPolicy?: OverflowPolicy;
  /** Interval of the shared heartbeat, ms; 0 turns it off for everyone. */
  heartbeatMs?: number;
  /** Reconnection delay announced at the start of each stream, ms. */
  retryMs?: number;
  observe?: Observer;
}

export interface SubscribeOptions {
  /** The request's abort signal, one of the two ways a runtime tells of a disconnect. */
  signal?: AbortSignal;
  /** The `Last-Event-ID` header, as received: garbage is tolerated. */
  lastEventId?: string | null;
  /** Heartbeat comments for this stream (default true). */
  heartbeat?: boolean;
  /**
   * Write `retry:` at once (default true). The early write also pushes the status line and headers
   * out on runtimes that hold them back until the first body chunk.
   */
  openWithRetry?: boolean;
}

export type { ReplayOutcome } from "./replay-buffer.ts";

export interface Subscription {
  id: number;
  stream: ReadableStream<Uint8Array>;
  replay: ReplayOutcome;
}

export interface DispatcherStats {
  subscribers: number;
  published: number;
  lastEventId: number;
  replayBuffered: number;
  replayBufferedBytes: number;
  overflowPolicy: OverflowPolicy;
  queueLimitBytes: number;
  /** Events not queued for some client under `drop-newest`. */
  dropped: number;
  /** Subscribers that overflowed, whatever the policy. */
  overflowed: number;
  replayed: number;
  heartbeats: number;
  disconnects: Record<EndMechanism, number>;
  closed: boolean;
}

export class DispatcherClosedError extends Error {
  override name = "DispatcherClosedError";
}

const HEARTBEAT = encodeText(formatComment("heartbeat") + "\n");
const SHUTDOWN = encodeEvent({ event: "shutdown", data: "server shutting down" });

export class EventDispatcher {
  readonly replayLimit: number;
  readonly replayLimitBytes: number;
  readonly queueLimitBytes: number;
  readonly overflowPolicy: OverflowPolicy;
  readonly heartbeatMs: number;
  readonly retryMs: number;
  private readonly observe: Observer;
  private readonly subscribers = new Map<number, Subscriber>();
  private readonly countListeners = new Set<(count: number) => void>();
  /** The events kept for `Last-Event-ID` replay. */
  private readonly replayBuffer: ReplayBuffer;
  private nextSubscriberId = 1;
  private lastId = 0;
  private heartbeatSubscribers = 0;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  /** Hands waiting readers their bytes, one flush per turn of the event loop. */
  private readonly flushes = new FlushScheduler();
  private closed = false;
  private readonly counters = {
    published: 0,
    dropped: 0,
    overflowed: 0,
    replayed: 0,
    heartbeats: 0,
    disconnects: { signal: 0, cancel: 0, overflow: 0, shutdown: 0, "server-end": 0 } as Record<EndMechanism, number>,
  };

  constructor(options: DispatcherOptions = {}) {
    this.replayLimit = options.replayLimit ?? 1000;
    this.replayLimitBytes = options.replayLimitBytes ?? 8 * 1024 * 1024;
    this.queueLimitBytes = options.queueLimitBytes ?? 1024 * 1024;
    this.overflowPolicy = options.overflowPolicy ?? "disconnect";
    this.heartbeatMs = options.heartbeatMs ?? 5000;
    this.retryMs = options.retryMs ?? 2000;
    this.observe = options.observe ?? (() => {});
    this.replayBuffer = new ReplayBuffer(this.replayLimit, this.replayLimitBytes);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Calls `listener` with the new count whenever a subscriber comes or goes. */
  onSubscriberCount(listener: (count: number) => void): () => void {
    this.countListeners.add(listener);
    return () => this.countListeners.delete(listener);
  }

  /** Encodes the event once, retains it for replay and queues it for every subscriber. Returns its id. */
  publish(event: { event?: string; data: string }): number {
    return this.publishMany([event]);
  }

  /**
   * Publishes `events` in order, as one batch: each is encoded once and retained for replay, and a
   * subscriber is handed all of them as one piece of its queue (one bound check, not one per event),
   * which is what a burst costs a raw server. A subscriber for which the batch does not fit gets the
   * events one by one under its overflow policy, as if they had been published singly. An event that
   * cannot be encoded refuses the whole batch before any id is used. Returns the last id.
   */
  publishMany(events: readonly { event?: string; data: string }[]): number {
    if (this.closed) throw new DispatcherClosedError("dispatcher is closed");
    const first = this.lastId + 1;
    const parts = events.map((event, i) => encodeEvent({ id: String(first + i), event: event.event, data: event.data }));
    if (parts.length === 0) return this.lastId;
    for (const bytes of parts) {
      const id = ++this.lastId;
      this.counters.published++;
      this.replayBuffer.retain(id, bytes);
    }
    const batch = parts.length === 1 ? parts[0]! : concat(parts, parts.reduce((n, b) => n + b.byteLength, 0));
    for (const sub of this.subscribers.values()) {
      if (sub.deliverWithin(batch)) continue;
      for (const bytes of parts) {
        if (!sub.active) break;
        this.deliver(sub, bytes);
      }
    }
    return this.lastId;
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new DispatcherClosedError("dispatcher is closed: no new subscribers");
    const heartbeat = (options.heartbeat ?? true) && this.heartbeatMs > 0;
    const sub = new Subscriber(this.nextSubscriberId++, heartbeat, this.queueLimitBytes, (s, reason) => {
      this.observe("stream-cancelled", {
        sub: s.id,
        ms: elapsed(s),
        reason: describeReason(reason),
        ...(s.active ? {} : { afterEnd: true }),
      });
      this.end(s, "cancel");
    }, (s) => this.flushes.schedule(s));

    if (options.openWithRetry ?? true) sub.deliverUnbounded(encodeText(formatRetry(this.retryMs) + "\n"));
    const replay = this.replayBuffer.replayFor(options.lastEventId, this.lastId);
    if (replay.kind === "replayed" || replay.kind === "partial") {
      for (let id = replay.from; id < replay.from + replay.count; id++) {
        sub.deliverUnbounded(this.replayBuffer.bytesOf(id));
      }
      this.counters.replayed += replay.count;
    }

    this.subscribers.set(sub.id, sub);
    if (heartbeat && this.heartbeatSubscribers++ === 0) this.startHeartbeat();

    this.observe("subscribed", {
      sub: sub.id,
      subscribers: this.subscribers.size,
      heartbeat,
      lastEventId: options.lastEventId ?? null,
      replay: replay.kind,
      ...(replay.kind === "ignored" ? { replayIgnoredBecause: replay.reason } : {}),
      ...("count" in replay ? { replayed: replay.count } : {}),
    });
    this.notifyCount();
    const signal = options.signal;
    if (signal) {
      const onAbort = () => {
        this.observe("signal-aborted", { sub: sub.id, ms: elapsed(sub), ...(sub.active ? {} : { afterEnd: true }) });
        this.end(sub, "signal");
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    }

    return { id: sub.id, stream: sub.stream, replay };
  }

  /** Ends every stream normally (as a server whose data is complete would); subscribers stay welcome. */
  endAll(): number {
    const count = this.subscribers.size;
    for (const sub of [...this.subscribers.values()]) this.end(sub, "server-end");
    return count;
  }

  /** Final `shutdown` event and a clean end for every stream; refuses new subscribers. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const count = this.subscribers.size;
    for (const sub of [...this.subscribers.values()]) {
      sub.deliverUnbounded(SHUTDOWN);
      this.end(sub, "shutdown");
    }
    this.stopHeartbeat();
    this.observe("dispatcher-closed", { subscribers: count });
  }

  stats(): DispatcherStats {
    return {
      subscribers: this.subscribers.size,
      published: this.counters.published,
      lastEventId: this.lastId,
      replayBuffered: this.replayBuffer.count(this.lastId),
      replayBufferedBytes: this.replayBuffer.bytes,
      overflowPolicy: this.overflowPolicy,
      queueLimitBytes: this.queueLimitBytes,
      dropped: this.counters.dropped,
      overflowed: this.counters.overflowed,
      replayed: this.counters.replayed,
      heartbeats: this.counters.heartbeats,
      disconnects: { ...this.counters.disconnects },
      closed: this.closed,
    };
  }

  private deliver(sub: Subscriber, bytes: Uint8Array): void {
    if (sub.deliver(bytes)) return;
    // A heartbeat that does not fit is not an event lost: skip it, the queue itself keeps the line busy.
    if (bytes === HEARTBEAT && this.overflowPolicy === "drop-newest") return;
    if (!sub.overflowReported) {
      sub.overflowReported = true;
      this.counters.overflowed++;
      this.observe("overflow", { sub: sub.id, policy: this.overflowPolicy, queuedBytes: sub.queued });
    }
    if (this.overflowPolicy === "drop-newest") this.counters.dropped++;
    else this.end(sub, "overflow");
  }

  private end(sub: Subscriber, mechanism: EndMechanism): void {
    if (!sub.active) return;
    sub.active = false;
    this.subscribers.delete(sub.id);
    this.counters.disconnects[mechanism]++;
    if (sub.heartbeat && --this.heartbeatSubscribers === 0) this.stopHeartbeat();
    // A stream the runtime still holds is ended by us; one it gave up on (signal, cancel) is left to
    // the runtime, so that its own cancel() can still be observed and reported.
    if (mechanism === "overflow") sub.end(true);
    else if (mechanism === "shutdown" || mechanism === "server-end") sub.end(false);
    this.observe("unsubscribed", { sub: sub.id, mechanism, ms: elapsed(sub), subscribers: this.subscribers.size });
    this.notifyCount();
  }

  private startHeartbeat(): void {
    this.heartbeatTimer = setInterval(() => {
      for (const sub of this.subscribers.values()) {
        if (sub.heartbeat) {
          this.counters.heartbeats++;
          this.deliver(sub, HEARTBEAT);
        }
      }
    }, this.heartbeatMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private notifyCount(): void {
    for (const listener of this.countListeners) listener(this.subscribers.size);
  }
}

function elapsed(sub: Subscriber): number {
  return Math.round((performance.now() - sub.createdAt) * 1000) / 1000;
}

function describeReason(reason: unknown): string | null {
  if (reason === undefined || reason === null) return null;
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return String(reason);
}
