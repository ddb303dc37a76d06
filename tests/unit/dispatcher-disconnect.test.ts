/** A subscription ended by the runtime: the request's abort signal, the stream's cancellation, or both. */
import { describe, expect, test } from "vitest";
import { createMemoryObserver } from "../../src/observations.ts";
import { dispatcher, subscribe } from "./dispatcher-helpers.ts";

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
