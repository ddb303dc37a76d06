/** The overflow policies: what a subscriber whose queue would exceed its byte bound gets. */
import { describe, expect, test } from "vitest";
import { createMemoryObserver } from "../../src/observations.ts";
import { encodeEvent, encodeText } from "../../src/sse.ts";
import { dispatcher, publishEach, RETRY, subscribe } from "./dispatcher-helpers.ts";
import { eventIds, parseSse } from "./helpers.ts";

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
