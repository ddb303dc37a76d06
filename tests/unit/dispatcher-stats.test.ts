/** What the dispatcher reports: stats() and the subscriber count listeners. */
import { describe, expect, test } from "vitest";
import { EventDispatcher } from "../../src/dispatcher.ts";
import { dispatcher, publishEach } from "./dispatcher-helpers.ts";

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
