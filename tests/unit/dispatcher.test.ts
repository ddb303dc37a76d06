import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { DispatcherClosedError, EventDispatcher, type DispatcherOptions } from "../../src/dispatcher.ts";
import { createMemoryObserver } from "../../src/observations.ts";
import { encodeEvent, encodeText, SseEncodingError } from "../../src/sse.ts";
import { eventIds, parseSse, StreamReader, text } from "./helpers.ts";

const RETRY = "retry: 2000\n\n";
const HEARTBEAT = ": heartbeat\n\n";

/** Heartbeat off unless a test asks for it, so that no real interval outlives a test. */
function dispatcher(options: DispatcherOptions = {}): EventDispatcher {
  return new EventDispatcher({ heartbeatMs: 0, retryMs: 2000, ...options });
}

function subscribe(d: EventDispatcher, options: Parameters<EventDispatcher["subscribe"]>[0] = {}) {
  const subscription = d.subscribe(options);
  return { ...subscription, reader: new StreamReader(subscription.stream) };
}

/** Publishes `count` events one call each. */
function publishEach(d: EventDispatcher, count: number, event = "tick", data = "x"): number[] {
  return Array.from({ length: count }, () => d.publish({ event, data }));
}

describe("opening a stream", () => {
  test("a stream opens with the retry: field announcing the reconnection delay", async () => {
    const d = dispatcher({ retryMs: 1234 });
    const { reader } = subscribe(d);
    expect(await reader.chunkText()).toBe("retry: 1234\n\n");
  });

  test("with openWithRetry false nothing is written until the first event", async () => {
    const d = dispatcher();
    const { reader } = subscribe(d, { openWithRetry: false });
    expect(await reader.nothingYet()).toBe(true);
    d.publish({ data: "first" });
    expect(await reader.chunkText()).toBe("id: 1\ndata: first\n\n");
  });

  test("subscribers get increasing subscription ids", () => {
    const d = dispatcher();
    expect([d.subscribe().id, d.subscribe().id, d.subscribe().id]).toEqual([1, 2, 3]);
  });
});

describe("publish", () => {
  test("ids start at 1 and increase by one per event, whatever the event name", () => {
    const d = dispatcher();
    expect([d.publish({ data: "a" }), d.publish({ event: "progress", data: "b" }), d.publish({ event: "other", data: "c" })]).toEqual([
      1, 2, 3,
    ]);
  });

  test("the event is written with its id, event name and data", async () => {
    const d = dispatcher();
    const { reader } = subscribe(d);
    await reader.chunk();
    d.publish({ event: "progress", data: "a\nb" });
    expect(await reader.chunkText()).toBe("id: 1\nevent: progress\ndata: a\ndata: b\n\n");
  });

  test("an event that cannot be encoded is refused and consumes no id", () => {
    const d = dispatcher();
    expect(() => d.publish({ event: "bad\nname", data: "x" })).toThrow(SseEncodingError);
    expect(d.stats().published).toBe(0);
    expect(d.publish({ data: "ok" })).toBe(1);
  });

  test("publishing with no subscriber still assigns ids and counts the event", () => {
    const d = dispatcher();
    publishEach(d, 3);
    expect(d.stats()).toMatchObject({ published: 3, lastEventId: 3, subscribers: 0 });
  });
});

describe("fan-out and order", () => {
  test("every subscriber receives every event, in id order", async () => {
    const d = dispatcher();
    const subs = [subscribe(d), subscribe(d), subscribe(d)];
    publishEach(d, 5);
    for (const { reader } of subs) {
      const received = await reader.chunk();
      expect(eventIds(received)).toEqual([1, 2, 3, 4, 5]);
    }
  });

  test("every subscriber receives byte-identical chunks", async () => {
    const d = dispatcher();
    const subs = [subscribe(d), subscribe(d), subscribe(d)];
    publishEach(d, 4, "progress", "héllo 🎉");
    const chunks = await Promise.all(subs.map(({ reader }) => reader.chunk()));
    expect(chunks[1]).toEqual(chunks[0]);
    expect(chunks[2]).toEqual(chunks[0]);
  });

  test("an event is encoded once: waiting readers are handed the very same bytes object", async () => {
    const d = dispatcher();
    const a = subscribe(d);
    const b = subscribe(d);
    await a.reader.chunk();
    await b.reader.chunk();
    const reads = [a.reader.next(), b.reader.next()];
    d.publish({ event: "progress", data: "shared" });
    const [ra, rb] = await Promise.all(reads);
    expect(ra!.value).toBe(rb!.value);
    expect(text(ra!.value!)).toBe("id: 1\nevent: progress\ndata: shared\n\n");
  });

  test("a reader that keeps reading receives each event as its own chunk", async () => {
    const d = dispatcher();
    const { reader } = subscribe(d);
    await reader.chunk();
    for (let i = 1; i <= 3; i++) {
      const pending = reader.next();
      d.publish({ data: `e${i}` });
      expect(text((await pending).value!)).toBe(`id: ${i}\ndata: e${i}\n\n`);
    }
  });
});

describe("pull-driven coalescing", () => {
  test("events queued while nobody reads arrive as one chunk at the next read", async () => {
    const d = dispatcher();
    const { reader } = subscribe(d);
    await reader.chunk();
    publishEach(d, 3);
    const chunk = await reader.chunkText();
    expect(chunk).toBe(["id: 1\nevent: tick\ndata: x\n\n", "id: 2\nevent: tick\ndata: x\n\n", "id: 3\nevent: tick\ndata: x\n\n"].join(""));
  });

  test("events published together reach a waiting reader as one chunk", async () => {
    const d = dispatcher();
    const { reader } = subscribe(d);
    await reader.chunk();
    const pending = reader.next();
    publishEach(d, 3);
    expect(eventIds(text((await pending).value!))).toEqual([1, 2, 3]);
  });

  test("after a flush, what the rest of the turn publishes waits for the turn's end, in one chunk", async () => {
    const d = dispatcher();
    const { reader } = subscribe(d);
    await reader.chunk();
    const first = reader.next();
    d.publish({ data: "a" });
    expect(eventIds((await first).value!)).toEqual([1]);
    // Still in the turn of the first flush (only microtasks have run): "b" is held, so "c" joins it.
    const second = reader.next();
    d.publish({ data: "b" });
    await Promise.resolve();
    d.publish({ data: "c" });
    expect(eventIds((await second).value!)).toEqual([2, 3]);
  });

  test("the opening retry: and events published before the first read share one chunk", async () => {
    const d = dispatcher();
    const { reader } = subscribe(d);
    publishEach(d, 2);
    const chunk = await reader.chunkText();
    expect(chunk.startsWith(RETRY)).toBe(true);
    expect(eventIds(chunk)).toEqual([1, 2]);
  });
});

describe("overflow policy disconnect", () => {
  // Every event below encodes to the same length (ids 1 to 9): the bound fits the opening plus two.
  const eventBytes = encodeEvent({ id: "1", event: "tick", data: "x" }).byteLength;
  const limit = encodeText(RETRY).byteLength + 2 * eventBytes;

  test("a subscriber whose queue would exceed the byte bound has its stream ended, queued bytes discarded", async () => {
    const d = dispatcher({ queueLimitBytes: limit, overflowPolicy: "disconnect" });
    const slow = subscribe(d);
    publishEach(d, 3);
    expect(await slow.reader.toEnd()).toEqual([]);
  });

  test("events that fit within the bound do not end the stream", async () => {
    const d = dispatcher({ queueLimitBytes: limit, overflowPolicy: "disconnect" });
    const slow = subscribe(d);
    publishEach(d, 2);
    expect(d.subscriberCount).toBe(1);
    expect(eventIds(await slow.reader.chunk())).toEqual([1, 2]);
  });

  test("one event larger than the bound still reaches a client with nothing queued", async () => {
    const d = dispatcher({ queueLimitBytes: 100, overflowPolicy: "disconnect" });
    const { reader } = subscribe(d, { openWithRetry: false });
    d.publish({ data: "y".repeat(1000) });
    expect(d.subscriberCount).toBe(1);
    expect(parseSse(await reader.chunkText()).events[0]?.data).toBe("y".repeat(1000));
  });

  test("an overflow is counted in stats().overflowed and disconnects.overflow", () => {
    const d = dispatcher({ queueLimitBytes: limit, overflowPolicy: "disconnect" });
    subscribe(d);
    publishEach(d, 5);
    const stats = d.stats();
    expect(stats.overflowed).toBe(1);
    expect(stats.disconnects.overflow).toBe(1);
    expect(stats.dropped).toBe(0);
    expect(stats.subscribers).toBe(0);
  });

  test("an overflow is reported with the policy", () => {
    const observe = createMemoryObserver();
    const d = dispatcher({ queueLimitBytes: limit, overflowPolicy: "disconnect", observe });
    const { id } = subscribe(d);
    publishEach(d, 3);
    expect(observe.records).toContainEqual(expect.objectContaining({ type: "overflow", sub: id, policy: "disconnect" }));
    expect(observe.records).toContainEqual(expect.objectContaining({ type: "unsubscribed", sub: id, mechanism: "overflow" }));
  });

  test("a fast subscriber beside a slow one still receives every event", async () => {
    const d = dispatcher({ queueLimitBytes: limit, overflowPolicy: "disconnect" });
    const slow = subscribe(d);
    const fast = subscribe(d);
    await fast.reader.chunk();
    const received: number[] = [];
    for (let i = 0; i < 9; i++) {
      const pending = fast.reader.next();
      d.publish({ event: "tick", data: "x" });
      received.push(...eventIds((await pending).value!));
    }
    expect(received).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await slow.reader.toEnd()).toEqual([]);
    expect(d.stats()).toMatchObject({ subscribers: 1, overflowed: 1 });
  });

  test("the overflowed client can resume from its last id through the replay buffer", async () => {
    const d = dispatcher({ queueLimitBytes: limit, overflowPolicy: "disconnect" });
    subscribe(d);
    publishEach(d, 5);
    const again = subscribe(d, { lastEventId: "0" });
    expect(again.replay).toEqual({ kind: "replayed", from: 1, count: 5 });
    expect(eventIds(await again.reader.chunk())).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("publishing a batch", () => {
  const batch = (n: number) => Array.from({ length: n }, () => ({ event: "tick", data: "x" }));
  const eventBytes = encodeEvent({ id: "1", event: "tick", data: "x" }).byteLength;

  test("a batch takes consecutive ids and returns the last", () => {
    const d = dispatcher();
    d.publish({ data: "first" });
    expect(d.publishMany(batch(3))).toBe(4);
    expect(d.stats()).toMatchObject({ published: 4, lastEventId: 4 });
  });

  test("a waiting reader receives the whole batch as one chunk", async () => {
    const d = dispatcher();
    const { reader } = subscribe(d);
    await reader.chunk();
    const pending = reader.next();
    d.publishMany(batch(3));
    expect(eventIds((await pending).value!)).toEqual([1, 2, 3]);
  });

  test("a batch is retained event by event: a reconnect replays from any id inside it", async () => {
    const d = dispatcher();
    d.publishMany(batch(4));
    const again = subscribe(d, { lastEventId: "2" });
    expect(again.replay).toEqual({ kind: "replayed", from: 3, count: 2 });
    expect(eventIds(await again.reader.chunk())).toEqual([3, 4]);
  });

  test("an event that cannot be encoded refuses the whole batch and consumes no id", () => {
    const d = dispatcher();
    expect(() => d.publishMany([{ data: "ok" }, { event: "bad\nname", data: "x" }])).toThrow(SseEncodingError);
    expect(d.stats()).toMatchObject({ published: 0, lastEventId: 0 });
  });

  test("a batch that does not fit is delivered event by event under the policy: drop-newest keeps what fits", async () => {
    const d = dispatcher({ queueLimitBytes: encodeText(RETRY).byteLength + 2 * eventBytes, overflowPolicy: "drop-newest" });
    const slow = subscribe(d);
    d.publishMany(batch(5));
    expect(d.stats()).toMatchObject({ dropped: 3, overflowed: 1 });
    expect(eventIds(await slow.reader.chunk())).toEqual([1, 2]);
  });

  test("a batch larger than the bound ends a subscriber under disconnect, even with nothing queued", async () => {
    const d = dispatcher({ queueLimitBytes: 2 * eventBytes });
    const { reader } = subscribe(d, { openWithRetry: false });
    d.publishMany(batch(3));
    expect(d.stats().disconnects.overflow).toBe(1);
    expect(await reader.next()).toEqual({ done: true, value: undefined });
  });
});

describe("overflow policy drop-newest", () => {
  const eventBytes = encodeEvent({ id: "1", event: "tick", data: "x" }).byteLength;
  const limit = encodeText(RETRY).byteLength + 2 * eventBytes;

  test("events that do not fit are not queued and are counted in stats().dropped", () => {
    const d = dispatcher({ queueLimitBytes: limit, overflowPolicy: "drop-newest" });
    subscribe(d);
    publishEach(d, 5);
    expect(d.stats()).toMatchObject({ dropped: 3, overflowed: 1, disconnects: expect.objectContaining({ overflow: 0 }) });
  });

  test("the subscriber stays connected and receives what fitted, then new events once it reads", async () => {
    const d = dispatcher({ queueLimitBytes: limit, overflowPolicy: "drop-newest" });
    const slow = subscribe(d);
    publishEach(d, 5);
    expect(d.subscriberCount).toBe(1);
    expect(eventIds(await slow.reader.chunk())).toEqual([1, 2]);
    const pending = slow.reader.next();
    d.publish({ event: "tick", data: "x" });
    expect(eventIds((await pending).value!)).toEqual([6]);
  });

  test("a subscriber is counted in overflowed once, however many events it misses", () => {
    const d = dispatcher({ queueLimitBytes: limit, overflowPolicy: "drop-newest" });
    subscribe(d);
    subscribe(d);
    publishEach(d, 8);
    expect(d.stats()).toMatchObject({ overflowed: 2, dropped: 12 });
  });
});

describe("replay buffer bounds", () => {
  const eventBytes = encodeEvent({ id: "1", event: "tick", data: "x" }).byteLength;

  test("the buffer keeps at most replayLimitBytes, dropping the oldest events first", () => {
    const d = dispatcher({ replayLimit: 100, replayLimitBytes: 3 * eventBytes });
    publishEach(d, 6);
    expect(d.stats()).toMatchObject({ replayBuffered: 3, replayBufferedBytes: 3 * eventBytes });
    expect(d.subscribe({ lastEventId: "1" }).replay).toEqual({ kind: "partial", from: 4, count: 3, missing: 2 });
  });

  test("the newest event stays in the buffer even when it alone exceeds replayLimitBytes", () => {
    const d = dispatcher({ replayLimit: 100, replayLimitBytes: 10 });
    publishEach(d, 2);
    expect(d.stats()).toMatchObject({ replayBuffered: 1, replayBufferedBytes: eventBytes });
    expect(d.subscribe({ lastEventId: "1" }).replay).toEqual({ kind: "replayed", from: 2, count: 1 });
  });

  test("the count bound and the byte bound hold together", () => {
    const d = dispatcher({ replayLimit: 4, replayLimitBytes: 1024 * 1024 });
    publishEach(d, 9);
    expect(d.stats()).toMatchObject({ replayBuffered: 4, replayBufferedBytes: 4 * eventBytes });
  });
});

describe("replay after Last-Event-ID", () => {
  test("a reconnect with Last-Event-ID receives the missed events in order, then live ones, no duplicate", async () => {
    const d = dispatcher();
    publishEach(d, 5);
    const sub = subscribe(d, { lastEventId: "2" });
    expect(sub.replay).toEqual({ kind: "replayed", from: 3, count: 3 });
    const first = await sub.reader.chunkText();
    expect(first.startsWith(RETRY)).toBe(true);
    const pending = sub.reader.next();
    d.publish({ event: "tick", data: "x" });
    const second = (await pending).value!;
    expect(eventIds([encodeText(first), second])).toEqual([3, 4, 5, 6]);
  });

  test("replayed events are byte-identical to the live ones", async () => {
    const d = dispatcher();
    const live = subscribe(d);
    publishEach(d, 3, "progress", "ünïcode");
    const replay = subscribe(d, { lastEventId: "0" });
    expect(await replay.reader.chunkText()).toBe(await live.reader.chunkText());
  });

  test("a Last-Event-ID equal to the latest id replays nothing", async () => {
    const d = dispatcher();
    publishEach(d, 3);
    const sub = subscribe(d, { lastEventId: "3" });
    expect(sub.replay).toEqual({ kind: "none" });
    expect(await sub.reader.chunkText()).toBe(RETRY);
  });

  test("an id older than the replay buffer gives a partial replay of what is retained", async () => {
    const d = dispatcher({ replayLimit: 3 });
    publishEach(d, 10);
    const sub = subscribe(d, { lastEventId: "2" });
    expect(sub.replay).toEqual({ kind: "partial", from: 8, count: 3, missing: 5 });
    expect(eventIds(await sub.reader.chunk())).toEqual([8, 9, 10]);
  });

  test("replayed events are counted in stats().replayed", () => {
    const d = dispatcher();
    publishEach(d, 4);
    d.subscribe({ lastEventId: "1" });
    expect(d.stats().replayed).toBe(3);
  });

  test("replayed events are queued whatever the byte bound", async () => {
    const d = dispatcher({ queueLimitBytes: 1 });
    publishEach(d, 4);
    const sub = subscribe(d, { lastEventId: "0" });
    expect(eventIds(await sub.reader.chunk())).toEqual([1, 2, 3, 4]);
  });

  test.each([
    ["garbage", "abc"],
    ["negative", "-1"],
    ["fractional", "1.5"],
    ["padded", " 2"],
    ["huge", "99999999999999999999999"],
  ])("a %s Last-Event-ID is ignored as garbage and the stream starts fresh", async (_what, lastEventId) => {
    const d = dispatcher();
    publishEach(d, 3);
    const sub = subscribe(d, { lastEventId });
    expect(sub.replay).toEqual({ kind: "ignored", reason: "garbage" });
    expect(await sub.reader.chunkText()).toBe(RETRY);
    const pending = sub.reader.next();
    d.publish({ event: "tick", data: "x" });
    expect(eventIds((await pending).value!)).toEqual([4]);
  });

  test.each([
    ["just past the latest", "4"],
    ["far in the future", "123456789012345"],
  ])("an unknown Last-Event-ID %s is ignored and the stream starts fresh", async (_what, lastEventId) => {
    const d = dispatcher();
    publishEach(d, 3);
    const sub = subscribe(d, { lastEventId });
    expect(sub.replay).toEqual({ kind: "ignored", reason: "unknown" });
    expect(await sub.reader.chunkText()).toBe(RETRY);
  });

  test.each([undefined, null, ""])("no Last-Event-ID (%s) means no replay", (lastEventId) => {
    const d = dispatcher();
    publishEach(d, 3);
    expect(d.subscribe({ lastEventId }).replay).toEqual({ kind: "none" });
  });

  // With no replay buffer, a gap must still be told apart from an up-to-date client.
  test("with replayLimit 0 a reconnect that missed events is reported as partial, not none", () => {
    const d = dispatcher({ replayLimit: 0 });
    publishEach(d, 5);
    expect(d.subscribe({ lastEventId: "2" }).replay).toEqual({ kind: "partial", from: 6, count: 0, missing: 3 });
  });

  test("with replayLimit 0 a reconnect that missed nothing is reported as none", () => {
    const d = dispatcher({ replayLimit: 0 });
    publishEach(d, 5);
    expect(d.subscribe({ lastEventId: "5" }).replay).toEqual({ kind: "none" });
  });

  test("the replay buffer wraps around and keeps the most recent events", async () => {
    const d = dispatcher({ replayLimit: 4 });
    publishEach(d, 11);
    const sub = subscribe(d, { lastEventId: "8" });
    expect(sub.replay).toEqual({ kind: "replayed", from: 9, count: 3 });
    expect(eventIds(await sub.reader.chunk())).toEqual([9, 10, 11]);
  });
});

describe("heartbeat", () => {
  beforeEach(() => {
    // Only the heartbeat's interval is faked: the dispatcher's flush timer (scheduleFlush) stays real.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test("one shared timer serves every subscriber", () => {
    const d = dispatcher({ heartbeatMs: 1000 });
    d.subscribe();
    d.subscribe();
    d.subscribe();
    expect(vi.getTimerCount()).toBe(1);
  });

  test("no timer runs before anyone subscribes", () => {
    dispatcher({ heartbeatMs: 1000 });
    expect(vi.getTimerCount()).toBe(0);
  });

  test("a subscriber with heartbeat on receives a heartbeat comment every interval", async () => {
    const d = dispatcher({ heartbeatMs: 1000 });
    const { reader } = subscribe(d);
    await reader.chunk();
    vi.advanceTimersByTime(2000);
    const chunk = await reader.chunkText();
    expect(chunk).toBe(HEARTBEAT + HEARTBEAT);
    expect(parseSse(chunk)).toMatchObject({ events: [], comments: ["heartbeat", "heartbeat"] });
  });

  test("a subscriber with heartbeat off receives no heartbeat", async () => {
    const d = dispatcher({ heartbeatMs: 1000 });
    subscribe(d, { heartbeat: true });
    const quiet = subscribe(d, { heartbeat: false });
    await quiet.reader.chunk();
    vi.advanceTimersByTime(3000);
    expect(await quiet.reader.nothingYet()).toBe(true);
    d.publish({ data: "x" });
    expect(await quiet.reader.chunkText()).toBe("id: 1\ndata: x\n\n");
  });

  test("heartbeats are counted per subscriber delivery in stats().heartbeats", () => {
    const d = dispatcher({ heartbeatMs: 1000 });
    d.subscribe();
    d.subscribe();
    d.subscribe({ heartbeat: false });
    vi.advanceTimersByTime(3000);
    expect(d.stats().heartbeats).toBe(6);
  });

  test("no timer runs while only subscribers with heartbeat off are connected", () => {
    const d = dispatcher({ heartbeatMs: 1000 });
    d.subscribe({ heartbeat: false });
    expect(vi.getTimerCount()).toBe(0);
  });

  test("heartbeatMs 0 turns the heartbeat off for everyone", () => {
    const d = dispatcher({ heartbeatMs: 0 });
    d.subscribe({ heartbeat: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  test("the timer stops when the last subscriber that wants it leaves", () => {
    const d = dispatcher({ heartbeatMs: 1000 });
    const a = new AbortController();
    const b = new AbortController();
    d.subscribe({ signal: a.signal });
    d.subscribe({ signal: b.signal });
    d.subscribe({ heartbeat: false });
    a.abort();
    expect(vi.getTimerCount()).toBe(1);
    b.abort();
    expect(vi.getTimerCount()).toBe(0);
  });

  test("the timer starts again when a new subscriber wants it", () => {
    const d = dispatcher({ heartbeatMs: 1000 });
    const a = new AbortController();
    d.subscribe({ signal: a.signal });
    a.abort();
    d.subscribe();
    expect(vi.getTimerCount()).toBe(1);
  });

  test("close() stops the heartbeat timer", () => {
    const d = dispatcher({ heartbeatMs: 1000 });
    d.subscribe();
    d.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("end of a subscription by the runtime", () => {
  test("aborting the request signal ends the subscription (mechanism signal)", () => {
    const observe = createMemoryObserver();
    const d = dispatcher({ observe });
    const ac = new AbortController();
    const { id } = d.subscribe({ signal: ac.signal });
    ac.abort();
    expect(d.subscriberCount).toBe(0);
    expect(d.stats().disconnects.signal).toBe(1);
    expect(observe.records).toContainEqual(expect.objectContaining({ type: "unsubscribed", sub: id, mechanism: "signal" }));
  });

  test("after the signal ends it, the subscriber receives no more events", async () => {
    const d = dispatcher();
    const ac = new AbortController();
    const { reader } = subscribe(d, { signal: ac.signal });
    await reader.chunk();
    ac.abort();
    d.publish({ data: "too late" });
    expect(await reader.nothingYet()).toBe(true);
  });

  test("an already aborted signal ends the subscription at once", () => {
    const d = dispatcher();
    d.subscribe({ signal: AbortSignal.abort() });
    expect(d.subscriberCount).toBe(0);
    expect(d.stats().disconnects.signal).toBe(1);
  });

  test("cancelling the stream ends the subscription (mechanism cancel)", async () => {
    const observe = createMemoryObserver();
    const d = dispatcher({ observe });
    const { id, reader } = subscribe(d);
    await reader.cancel(new Error("client went away"));
    expect(d.subscriberCount).toBe(0);
    expect(d.stats().disconnects.cancel).toBe(1);
    expect(observe.records).toContainEqual(
      expect.objectContaining({ type: "stream-cancelled", sub: id, reason: "Error: client went away" }),
    );
    expect(observe.records).toContainEqual(expect.objectContaining({ type: "unsubscribed", sub: id, mechanism: "cancel" }));
  });

  test("signal first, then cancel: both reported, the cancel with afterEnd, counted once as signal", async () => {
    const observe = createMemoryObserver();
    const d = dispatcher({ observe });
    const ac = new AbortController();
    const { id, reader } = subscribe(d, { signal: ac.signal });
    ac.abort();
    await reader.cancel();
    const signal = observe.records.find((r) => r.type === "signal-aborted" && r.sub === id);
    const cancel = observe.records.find((r) => r.type === "stream-cancelled" && r.sub === id);
    expect(signal).toBeDefined();
    expect(signal).not.toHaveProperty("afterEnd");
    expect(cancel).toMatchObject({ afterEnd: true });
    expect(d.stats().disconnects).toMatchObject({ signal: 1, cancel: 0 });
  });

  test("cancel first, then signal: both reported, the signal with afterEnd, counted once as cancel", async () => {
    const observe = createMemoryObserver();
    const d = dispatcher({ observe });
    const ac = new AbortController();
    const { id, reader } = subscribe(d, { signal: ac.signal });
    await reader.cancel();
    ac.abort();
    const cancel = observe.records.find((r) => r.type === "stream-cancelled" && r.sub === id);
    const signal = observe.records.find((r) => r.type === "signal-aborted" && r.sub === id);
    expect(cancel).toBeDefined();
    expect(cancel).not.toHaveProperty("afterEnd");
    expect(signal).toMatchObject({ afterEnd: true });
    expect(d.stats().disconnects).toMatchObject({ signal: 0, cancel: 1 });
  });

  test("a subscription is unsubscribed only once whatever the runtime delivers", async () => {
    const observe = createMemoryObserver();
    const d = dispatcher({ observe });
    const ac = new AbortController();
    const { reader } = subscribe(d, { signal: ac.signal });
    ac.abort();
    await reader.cancel();
    expect(observe.records.filter((r) => r.type === "unsubscribed")).toHaveLength(1);
  });

  test("a signal abort after a server-side end is still reported, with afterEnd", async () => {
    const observe = createMemoryObserver();
    const d = dispatcher({ observe });
    const ac = new AbortController();
    const { id } = d.subscribe({ signal: ac.signal });
    d.endAll();
    ac.abort();
    expect(observe.records).toContainEqual(expect.objectContaining({ type: "signal-aborted", sub: id, afterEnd: true }));
    expect(d.stats().disconnects).toMatchObject({ signal: 0, "server-end": 1 });
  });
});

describe("close()", () => {
  test("every subscriber receives a final shutdown event and a clean end of stream", async () => {
    const d = dispatcher();
    const reading = subscribe(d);
    const idle = subscribe(d);
    await reading.reader.chunk();
    d.publish({ event: "tick", data: "x" });
    d.close();
    for (const { reader } of [reading, idle]) {
      const events = parseSse(await reader.toEnd()).events;
      expect(events.at(-1)).toEqual({ id: undefined, event: "shutdown", data: "server shutting down" });
      expect(events.map((e) => e.event)).toEqual(["tick", "shutdown"]);
    }
  });

  test("a reader waiting on an idle stream gets the shutdown event, then done", async () => {
    const d = dispatcher();
    const { reader } = subscribe(d);
    await reader.chunk();
    const pending = reader.next();
    d.close();
    expect(text((await pending).value!)).toBe("event: shutdown\ndata: server shutting down\n\n");
    expect(await reader.next()).toEqual({ done: true, value: undefined });
  });

  test("the shutdown event is delivered even to a subscriber whose queue is at its bound", async () => {
    const d = dispatcher({ queueLimitBytes: encodeText(RETRY).byteLength, overflowPolicy: "drop-newest" });
    const { reader } = subscribe(d);
    d.close();
    expect(parseSse(await reader.toEnd()).events).toEqual([{ id: undefined, event: "shutdown", data: "server shutting down" }]);
  });

  test("subscribe() after close() throws DispatcherClosedError", () => {
    const d = dispatcher();
    d.close();
    expect(() => d.subscribe()).toThrow(DispatcherClosedError);
  });

  test("publish() after close() throws DispatcherClosedError", () => {
    const d = dispatcher();
    d.close();
    expect(() => d.publish({ data: "x" })).toThrow(DispatcherClosedError);
  });

  test("close() counts each ended stream as a shutdown disconnect and marks the dispatcher closed", () => {
    const d = dispatcher();
    d.subscribe();
    d.subscribe();
    d.close();
    expect(d.stats()).toMatchObject({ closed: true, subscribers: 0, disconnects: expect.objectContaining({ shutdown: 2 }) });
    expect(d.isClosed).toBe(true);
  });

  test("close() is idempotent", () => {
    const observe = createMemoryObserver();
    const d = dispatcher({ observe });
    d.subscribe();
    d.close();
    d.close();
    expect(observe.records.filter((r) => r.type === "dispatcher-closed")).toHaveLength(1);
    expect(d.stats().disconnects.shutdown).toBe(1);
  });

  test("a stream cancelled after close() is not counted again", async () => {
    const d = dispatcher();
    const { reader } = subscribe(d);
    d.close();
    await reader.cancel();
    expect(d.stats().disconnects).toMatchObject({ shutdown: 1, cancel: 0 });
  });
});

describe("endAll()", () => {
  test("endAll() ends every stream normally after what was queued", async () => {
    const d = dispatcher();
    const subs = [subscribe(d), subscribe(d)];
    publishEach(d, 2);
    expect(d.endAll()).toBe(2);
    for (const { reader } of subs) {
      const chunks = await reader.toEnd();
      expect(parseSse(chunks).events.map((e) => e.id)).toEqual(["1", "2"]);
    }
  });

  test("endAll() sends no shutdown event", async () => {
    const d = dispatcher();
    const { reader } = subscribe(d);
    d.endAll();
    expect(parseSse(await reader.toEnd()).events).toEqual([]);
  });

  test("endAll() counts server-end disconnects and keeps accepting subscribers", () => {
    const d = dispatcher();
    d.subscribe();
    d.endAll();
    expect(d.stats()).toMatchObject({ closed: false, subscribers: 0, disconnects: expect.objectContaining({ "server-end": 1 }) });
    expect(() => d.subscribe()).not.toThrow();
  });

  test("a reconnect after endAll() resumes from its Last-Event-ID", async () => {
    const d = dispatcher();
    d.subscribe();
    publishEach(d, 3);
    d.endAll();
    publishEach(d, 2);
    const again = subscribe(d, { lastEventId: "3" });
    expect(eventIds(await again.reader.chunk())).toEqual([4, 5]);
  });
});

describe("stats()", () => {
  test("a fresh dispatcher reports its settings and zero counters", () => {
    const d = dispatcher({ replayLimit: 50, queueLimitBytes: 4096, overflowPolicy: "drop-newest" });
    expect(d.stats()).toEqual({
      subscribers: 0,
      published: 0,
      lastEventId: 0,
      replayBuffered: 0,
      replayBufferedBytes: 0,
      overflowPolicy: "drop-newest",
      queueLimitBytes: 4096,
      dropped: 0,
      overflowed: 0,
      replayed: 0,
      heartbeats: 0,
      disconnects: { signal: 0, cancel: 0, overflow: 0, shutdown: 0, "server-end": 0 },
      closed: false,
    });
  });

  test("the defaults are a 1000-event replay buffer, a 1 MiB queue bound and the disconnect policy", () => {
    const d = new EventDispatcher();
    expect(d.stats()).toMatchObject({ overflowPolicy: "disconnect", queueLimitBytes: 1024 * 1024 });
    expect(d.replayLimit).toBe(1000);
    expect(d.heartbeatMs).toBe(5000);
    expect(d.retryMs).toBe(2000);
  });

  test("replayBuffered grows with each event up to the replay limit", () => {
    const d = dispatcher({ replayLimit: 3 });
    publishEach(d, 2);
    expect(d.stats().replayBuffered).toBe(2);
    publishEach(d, 5);
    expect(d.stats()).toMatchObject({ replayBuffered: 3, published: 7, lastEventId: 7 });
  });

  test("subscribers counts the subscriptions in the fan-out", () => {
    const d = dispatcher();
    const ac = new AbortController();
    d.subscribe();
    d.subscribe({ signal: ac.signal });
    expect(d.stats().subscribers).toBe(2);
    ac.abort();
    expect(d.stats().subscribers).toBe(1);
  });

  test("stats() returns a snapshot that later changes do not alter", () => {
    const d = dispatcher();
    const before = d.stats();
    d.subscribe({ signal: AbortSignal.abort() });
    expect(before.disconnects.signal).toBe(0);
  });
});

describe("onSubscriberCount()", () => {
  test("the listener is told the new count whenever a subscriber comes or goes", () => {
    const d = dispatcher();
    const counts: number[] = [];
    d.onSubscriberCount((n) => counts.push(n));
    const a = new AbortController();
    d.subscribe({ signal: a.signal });
    d.subscribe();
    a.abort();
    d.endAll();
    expect(counts).toEqual([1, 2, 1, 0]);
  });

  test("the returned function stops the notifications", () => {
    const d = dispatcher();
    const counts: number[] = [];
    const stop = d.onSubscriberCount((n) => counts.push(n));
    d.subscribe();
    stop();
    d.subscribe();
    expect(counts).toEqual([1]);
  });

  test("close() notifies down to zero", () => {
    const d = dispatcher();
    d.subscribe();
    d.subscribe();
    const counts: number[] = [];
    d.onSubscriberCount((n) => counts.push(n));
    d.close();
    expect(counts).toEqual([1, 0]);
  });
});
