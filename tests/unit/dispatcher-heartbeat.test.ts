/** The shared heartbeat: one timer, running only while a subscriber wants it. */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { dispatcher, subscribe } from "./dispatcher-helpers.ts";
import { parseSse } from "./helpers.ts";

const HEARTBEAT = ": heartbeat\n\n";

describe("heartbeat", () => {
  beforeEach(() => {
    // Only the heartbeat's interval is faked: the dispatcher's flush timer (FlushScheduler) stays real.
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
