/** The replay buffer: its bounds, and what a reconnect with Last-Event-ID receives. */
import { describe, expect, test } from "vitest";
import { encodeEvent, encodeText } from "../../src/sse.ts";
import { dispatcher, publishEach, RETRY, subscribe } from "./dispatcher-helpers.ts";
import { eventIds } from "./helpers.ts";

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
