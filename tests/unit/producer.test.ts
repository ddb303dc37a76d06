import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { EventDispatcher } from "../../src/dispatcher.ts";
import { startProducer, type ProgressEvent } from "../../src/producer.ts";
import { createMemoryObserver } from "../../src/observations.ts";
import { parseSse, StreamReader } from "./helpers.ts";

const ORIGIN = { runtime: "node", pid: 4242 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Heartbeat off: the only timer a test can see is the producer's. */
function setup(intervalMs = 100) {
  const dispatcher = new EventDispatcher({ heartbeatMs: 0 });
  const observe = createMemoryObserver();
  const stop = startProducer(dispatcher, intervalMs, ORIGIN, observe);
  return { dispatcher, observe, stop };
}

test("no timer runs while nobody is subscribed", () => {
  const { dispatcher } = setup();
  vi.advanceTimersByTime(1000);
  expect(vi.getTimerCount()).toBe(0);
  expect(dispatcher.stats().published).toBe(0);
});

test("the producer starts when the first subscriber arrives", () => {
  const { dispatcher, observe } = setup();
  dispatcher.subscribe();
  expect(vi.getTimerCount()).toBe(1);
  expect(observe.records).toContainEqual(expect.objectContaining({ type: "producer-started", intervalMs: 100 }));
});

test("a second subscriber does not start a second timer", () => {
  const { dispatcher } = setup();
  dispatcher.subscribe();
  dispatcher.subscribe();
  expect(vi.getTimerCount()).toBe(1);
});

test("one progress event is published every interval", () => {
  const { dispatcher } = setup(100);
  dispatcher.subscribe();
  vi.advanceTimersByTime(99);
  expect(dispatcher.stats().published).toBe(0);
  vi.advanceTimersByTime(1);
  expect(dispatcher.stats().published).toBe(1);
  vi.advanceTimersByTime(400);
  expect(dispatcher.stats().published).toBe(5);
});

test("progress events carry a counter from 1, the runtime and the pid", async () => {
  const { dispatcher } = setup(100);
  const reader = new StreamReader(dispatcher.subscribe().stream);
  vi.advanceTimersByTime(300);
  const events = parseSse(await reader.chunk()).events;
  expect(events.map((e) => e.event)).toEqual(["progress", "progress", "progress"]);
  expect(events.map((e) => JSON.parse(e.data) as ProgressEvent)).toEqual([
    { progress: 1, runtime: "node", pid: 4242 },
    { progress: 2, runtime: "node", pid: 4242 },
    { progress: 3, runtime: "node", pid: 4242 },
  ]);
});

test("the producer stops, leaving no timer, when the last subscriber goes", () => {
  const { dispatcher, observe } = setup(100);
  const a = new AbortController();
  const b = new AbortController();
  dispatcher.subscribe({ signal: a.signal });
  dispatcher.subscribe({ signal: b.signal });
  vi.advanceTimersByTime(200);
  a.abort();
  expect(vi.getTimerCount()).toBe(1);
  b.abort();
  expect(vi.getTimerCount()).toBe(0);
  vi.advanceTimersByTime(1000);
  expect(dispatcher.stats().published).toBe(2);
  expect(observe.records).toContainEqual(expect.objectContaining({ type: "producer-stopped", progress: 2 }));
});

test("the producer starts again when a subscriber returns", () => {
  const { dispatcher } = setup(100);
  const a = new AbortController();
  dispatcher.subscribe({ signal: a.signal });
  a.abort();
  dispatcher.subscribe();
  expect(vi.getTimerCount()).toBe(1);
  vi.advanceTimersByTime(100);
  expect(dispatcher.stats().published).toBe(1);
});

test("interval 0 means no producer at all", () => {
  const { dispatcher, observe } = setup(0);
  dispatcher.subscribe();
  vi.advanceTimersByTime(10_000);
  expect(vi.getTimerCount()).toBe(0);
  expect(dispatcher.stats().published).toBe(0);
  expect(observe.records).toEqual([]);
});

test("closing the dispatcher stops the producer", () => {
  const { dispatcher } = setup(100);
  dispatcher.subscribe();
  dispatcher.close();
  expect(vi.getTimerCount()).toBe(0);
  expect(() => vi.advanceTimersByTime(1000)).not.toThrow();
});

test("the function startProducer returns stops the timer and stops listening", () => {
  const { dispatcher, stop } = setup(100);
  dispatcher.subscribe();
  stop();
  expect(vi.getTimerCount()).toBe(0);
  dispatcher.subscribe();
  expect(vi.getTimerCount()).toBe(0);
});
