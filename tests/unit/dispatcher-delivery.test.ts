/** How published bytes reach readers: to every subscriber in order, and coalesced into one chunk per read. */
import { describe, expect, test } from "vitest";
import { dispatcher, publishEach, RETRY, subscribe } from "./dispatcher-helpers.ts";
import { eventIds, text } from "./helpers.ts";

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
