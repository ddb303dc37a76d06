/** The /events route's logic, shared by the Hono and Elysia apps (src/events-route.ts). */
import { afterEach, describe, expect, test } from "vitest";
import { EventDispatcher } from "../../src/dispatcher.ts";
import { eventStreamHeaders, openEventStream, type EventsRequest } from "../../src/events-route.ts";

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

describe("the /events route's headers", () => {
  const from = (origin?: string): EventsRequest => ({ signal: () => new AbortController().signal, query: () => undefined, header: (n) => (n === "origin" ? origin : undefined) });

  test("name an allowed origin exactly, with credentials, and vary on Origin", () => {
    expect(eventStreamHeaders(from("http://127.0.0.1:5173"), { corsOrigins: ["http://127.0.0.1:5173"] })).toMatchObject({
      "access-control-allow-origin": "http://127.0.0.1:5173",
      "access-control-allow-credentials": "true",
      vary: "Origin",
    });
  });

  test("allow no other origin, and never say *", () => {
    const headers = eventStreamHeaders(from("http://evil.example"), { corsOrigins: ["http://127.0.0.1:5173"] });
    expect(headers["access-control-allow-origin"]).toBeUndefined();
    expect(Object.values(headers)).not.toContain("*");
  });

  test("are the SSE headers for a same-origin request", () => {
    expect(eventStreamHeaders(from(undefined), { corsOrigins: ["http://127.0.0.1:5173"] })).toMatchObject({ "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform" });
  });
});
