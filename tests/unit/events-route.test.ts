/** The /events route's logic, shared by the Hono and Elysia apps (src/events-route.ts). */
import { afterEach, describe, expect, test } from "vitest";
import { EventDispatcher } from "../../src/dispatcher.ts";
import { openEventStream, type EventsRequest } from "../../src/events-route.ts";

let dispatcher: EventDispatcher;
afterEach(() => dispatcher?.close());

/** A request with the given query, whose signal() counts its reads. */
function request(query: Record<string, string> = {}): EventsRequest & { signalReads: number } {
  const controller = new AbortController();
  const req = {
    signalReads: 0,
    signal: () => {
      req.signalReads++;
      return controller.signal;
    },
    query: (name: string) => query[name],
    header: () => undefined,
  };
  return req;
}

describe("the /events route", () => {
  test("never reads request.signal when the runtime file turns it off (Deno warns on a read)", () => {
    dispatcher = new EventDispatcher({ heartbeatMs: 0 });
    const req = request();
    expect(openEventStream(dispatcher, req, { requestSignal: false })).toBeInstanceOf(ReadableStream);
    expect(req.signalReads).toBe(0);
  });

  test("reads request.signal for a fact (mitigations=0), whatever the runtime file says", () => {
    dispatcher = new EventDispatcher({ heartbeatMs: 0 });
    const req = request({ mitigations: "0" });
    openEventStream(dispatcher, req, { requestSignal: false });
    expect(req.signalReads).toBe(1);
  });

  test("runs the per-stream hook only with mitigations on", () => {
    dispatcher = new EventDispatcher({ heartbeatMs: 0 });
    let calls = 0;
    openEventStream(dispatcher, request(), { onStream: () => calls++ });
    openEventStream(dispatcher, request({ mitigations: "0" }), { onStream: () => calls++ });
    expect(calls).toBe(1);
  });

  test("gives no stream once the dispatcher is closed", () => {
    dispatcher = new EventDispatcher({ heartbeatMs: 0 });
    dispatcher.close();
    expect(openEventStream(dispatcher, request())).toBeUndefined();
  });
});
