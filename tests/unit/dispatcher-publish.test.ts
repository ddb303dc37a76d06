/** Publishing: a stream's opening, ids and encoding, and a batch published at once. */
import { describe, expect, test } from "vitest";
import { encodeEvent, encodeText, SseEncodingError } from "../../src/sse.ts";
import { dispatcher, publishEach, RETRY, subscribe } from "./dispatcher-helpers.ts";
import { eventIds } from "./helpers.ts";

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
