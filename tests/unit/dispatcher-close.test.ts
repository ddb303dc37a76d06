/** Ending every stream from the server: close() with a final shutdown event, endAll() without. */
import { describe, expect, test } from "vitest";
import { DispatcherClosedError } from "../../src/dispatcher.ts";
import { createMemoryObserver } from "../../src/observations.ts";
import { encodeText } from "../../src/sse.ts";
import { dispatcher, publishEach, RETRY, subscribe } from "./dispatcher-helpers.ts";
import { eventIds, parseSse, text } from "./helpers.ts";

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
