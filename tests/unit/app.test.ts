import { describe, expect, test, vi } from "vitest";
import { createApp, type AppOptions } from "../../src/app.ts";
import { EventDispatcher } from "../../src/dispatcher.ts";
import type { Platform } from "../../src/platform.ts";
import { eventIds, parseSse, StreamReader, text } from "./helpers.ts";

function fakePlatform(): Platform {
  return {
    runtime: "node",
    version: "0.0.0-test",
    pid: 4242,
    env: () => undefined,
    onSignal: () => {},
    exit: (code) => {
      throw new Error(`exit(${code}) called in a unit test`);
    },
    memory: () => ({ rss: 1000, heapUsed: 500 }),
    gc: () => false,
    onEscapedError: () => {},
  };
}

function setup(options: Partial<AppOptions> = {}) {
  const dispatcher = options.dispatcher ?? new EventDispatcher({ heartbeatMs: 0, retryMs: 2000 });
  const app = createApp({ dispatcher, platform: fakePlatform(), control: false, server: "test-server", ...options });
  return { app, dispatcher };
}

function bodyReader(response: Response): StreamReader {
  if (!response.body) throw new Error("response has no body");
  return new StreamReader(response.body);
}

function publish(app: ReturnType<typeof setup>["app"], body: unknown): Promise<Response> {
  return Promise.resolve(
    app.request("/control/publish", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

describe("GET /", () => {
  test("serves the demo page as HTML", async () => {
    const { app } = setup();
    const response = await app.request("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  });

  test("the demo page opens an EventSource on /events", async () => {
    const { app } = setup();
    const html = await (await app.request("/")).text();
    expect(html).toMatch(/new EventSource\(\s*"\/events"/);
  });
});

describe("GET /events", () => {
  test("answers 200 with content-type text/event-stream", async () => {
    const { app, dispatcher } = setup();
    const response = await app.request("/events");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    dispatcher.close();
  });

  test("sends cache-control no-cache, no-transform", async () => {
    const { app, dispatcher } = setup();
    const response = await app.request("/events");
    expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
    dispatcher.close();
  });

  test("sends no content-length and no content-encoding", async () => {
    const { app, dispatcher } = setup();
    const response = await app.request("/events");
    expect(response.headers.has("content-length")).toBe(false);
    expect(response.headers.has("content-encoding")).toBe(false);
    dispatcher.close();
  });

  test("tells proxies not to buffer (x-accel-buffering: no)", async () => {
    const { app, dispatcher } = setup();
    const response = await app.request("/events");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    dispatcher.close();
  });

  test("answers HEAD with the SSE headers, no body and no subscriber", async () => {
    const { app, dispatcher } = setup();
    const response = await app.request("/events", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.body).toBeNull();
    expect(dispatcher.subscriberCount).toBe(0);
    dispatcher.close();
  });

  test("leaves x-accel-buffering out with mitigations=0, so that a proxy's own buffering shows", async () => {
    const { app, dispatcher } = setup();
    const response = await app.request("/events?mitigations=0");
    expect(response.headers.has("x-accel-buffering")).toBe(false);
    dispatcher.close();
  });

  test("the stream starts with retry:", async () => {
    const { app, dispatcher } = setup();
    const reader = bodyReader(await app.request("/events"));
    expect(await reader.chunkText()).toBe("retry: 2000\n\n");
    dispatcher.close();
  });

  test("published events reach the stream", async () => {
    const { app, dispatcher } = setup();
    const reader = bodyReader(await app.request("/events"));
    await reader.chunk();
    const pending = reader.next();
    dispatcher.publish({ event: "progress", data: "hello" });
    expect(text((await pending).value!)).toBe("id: 1\nevent: progress\ndata: hello\n\n");
    dispatcher.close();
  });

  test("mitigations=0 writes nothing until an event", async () => {
    const { app, dispatcher } = setup();
    const reader = bodyReader(await app.request("/events?mitigations=0"));
    expect(await reader.nothingYet()).toBe(true);
    dispatcher.publish({ data: "first" });
    expect(await reader.chunkText()).toBe("id: 1\ndata: first\n\n");
    dispatcher.close();
  });

  test("mitigations=0 turns the heartbeat off for that stream", async () => {
    vi.useFakeTimers();
    try {
      const { app, dispatcher } = setup({ dispatcher: new EventDispatcher({ heartbeatMs: 1000 }) });
      await app.request("/events?mitigations=0");
      expect(vi.getTimerCount()).toBe(0);
      dispatcher.close();
    } finally {
      vi.useRealTimers();
    }
  });

  test("heartbeat=0 turns the heartbeat off but keeps the opening retry:", async () => {
    vi.useFakeTimers();
    try {
      const { app, dispatcher } = setup({ dispatcher: new EventDispatcher({ heartbeatMs: 1000, retryMs: 2000 }) });
      const reader = bodyReader(await app.request("/events?heartbeat=0"));
      expect(vi.getTimerCount()).toBe(0);
      expect(await reader.chunkText()).toBe("retry: 2000\n\n");
      dispatcher.close();
    } finally {
      vi.useRealTimers();
    }
  });

  test("onStream is called for each stream with mitigations on, and not with mitigations=0", async () => {
    const onStream = vi.fn();
    const { app, dispatcher } = setup({ onStream });
    await app.request("/events");
    expect(onStream).toHaveBeenCalledTimes(1);
    await app.request("/events?mitigations=0");
    expect(onStream).toHaveBeenCalledTimes(1);
    dispatcher.close();
  });

  test("the Last-Event-ID header replays the missed events", async () => {
    const { app, dispatcher } = setup();
    for (let i = 0; i < 4; i++) dispatcher.publish({ data: `e${i}` });
    const reader = bodyReader(await app.request("/events", { headers: { "last-event-id": "2" } }));
    expect(eventIds(await reader.chunk())).toEqual([3, 4]);
    dispatcher.close();
  });

  test("aborting the request ends the subscription", async () => {
    const { app, dispatcher } = setup();
    const ac = new AbortController();
    await app.request(new Request("http://localhost/events", { signal: ac.signal }));
    expect(dispatcher.subscriberCount).toBe(1);
    ac.abort();
    expect(dispatcher.subscriberCount).toBe(0);
    expect(dispatcher.stats().disconnects.signal).toBe(1);
  });

  test("answers 503 after the dispatcher is closed", async () => {
    const { app, dispatcher } = setup();
    dispatcher.close();
    const response = await app.request("/events");
    expect(response.status).toBe(503);
    expect(await response.text()).toBe("shutting down\n");
  });

  test("an open stream gets the shutdown event and ends when the dispatcher closes", async () => {
    const { app, dispatcher } = setup();
    const reader = bodyReader(await app.request("/events"));
    dispatcher.close();
    expect(parseSse(await reader.toEnd()).events).toEqual([{ id: undefined, event: "shutdown", data: "server shutting down" }]);
  });
});

describe("GET /health", () => {
  test("answers JSON with ok, subscribers and uptime", async () => {
    const { app, dispatcher } = setup();
    dispatcher.subscribe();
    const response = await app.request("/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ ok: true, subscribers: 1, uptimeMs: expect.any(Number) });
  });

  test("reports ok false once the dispatcher is closed", async () => {
    const { app, dispatcher } = setup();
    dispatcher.close();
    expect(await (await app.request("/health")).json()).toMatchObject({ ok: false });
  });
});

describe("GET /stats", () => {
  test("answers JSON with the dispatcher's stats and the platform's identity and memory", async () => {
    const { app, dispatcher } = setup();
    dispatcher.publish({ data: "x" });
    const response = await app.request("/stats");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ...dispatcher.stats(),
      runtime: "node",
      runtimeVersion: "0.0.0-test",
      server: "test-server",
      pid: 4242,
      memory: { rss: 1000, heapUsed: 500 },
    });
  });
});

describe("/control/*", () => {
  test("does not exist when control is off", async () => {
    const { app } = setup({ control: false });
    expect((await publish(app, { data: "x" })).status).toBe(404);
    expect((await app.request("/control/end-streams", { method: "POST" })).status).toBe(404);
    expect((await app.request("/control/gc", { method: "POST" })).status).toBe(404);
  });

  test("POST /control/publish publishes and answers the id and subscriber count", async () => {
    const { app, dispatcher } = setup({ control: true });
    const reader = new StreamReader(dispatcher.subscribe().stream);
    const response = await publish(app, { event: "progress", data: "hi" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 1, subscribers: 1 });
    expect(parseSse(await reader.chunk()).events).toEqual([{ id: "1", event: "progress", data: "hi" }]);
  });

  test("POST /control/publish with size and count publishes count events of size generated bytes", async () => {
    const { app, dispatcher } = setup({ control: true });
    const response = await publish(app, { size: 10, count: 3 });
    expect(await response.json()).toEqual({ id: 3, subscribers: 0 });
    expect(dispatcher.stats().published).toBe(3);
  });

  test("POST /control/publish with an event name containing a newline answers 400 with a clear message", async () => {
    const { app, dispatcher } = setup({ control: true });
    const response = await publish(app, { event: "progress\nid: 99", data: "x" });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string };
    expect(body.error).toMatch(/event must not contain CR or LF/);
    expect(dispatcher.stats().published).toBe(0);
  });

  test("POST /control/publish with a body that is not JSON answers 400", async () => {
    const { app } = setup({ control: true });
    const response = await publish(app, "{not json");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: expect.stringMatching(/JSON/) });
  });

  test.each([
    ["a negative size", { size: -1 }],
    ["a fractional size", { size: 1.5 }],
    ["a size over 64 MiB", { size: 64 * 1024 * 1024 + 1 }],
    ["count 0", { count: 0 }],
    ["count over 100000", { count: 100_001 }],
  ])("POST /control/publish with %s answers 400", async (_what, body) => {
    const { app, dispatcher } = setup({ control: true });
    expect((await publish(app, body)).status).toBe(400);
    expect(dispatcher.stats().published).toBe(0);
  });

  // A body of the wrong shape is refused with 400, never a 500 with a stack on stderr.
  test.each([
    ["data that is a number", { data: 5 }],
    ["data that is an array", { data: ["a"] }],
    ["an event name that is an object", { event: { a: 1 }, data: "x" }],
    ["a body that is JSON null", null],
    ["a body that is a JSON array", [1, 2]],
  ])("POST /control/publish with %s answers 400 without an error on stderr", async (_what, body) => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const { app, dispatcher } = setup({ control: true });
      const response = await publish(app, JSON.stringify(body));
      expect(response.status).toBe(400);
      expect(consoleError).not.toHaveBeenCalled();
      expect(dispatcher.stats().published).toBe(0);
    } finally {
      consoleError.mockRestore();
    }
  });

  test("POST /control/publish answers 503 after the dispatcher is closed", async () => {
    const { app, dispatcher } = setup({ control: true });
    dispatcher.close();
    const response = await publish(app, { data: "x" });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: expect.stringMatching(/closed/) });
  });

  test("POST /control/end-streams ends every stream and answers how many", async () => {
    const { app } = setup({ control: true });
    const reader = bodyReader(await app.request("/events"));
    const response = await app.request("/control/end-streams", { method: "POST" });
    expect(await response.json()).toEqual({ ended: 1 });
    expect(text((await reader.toEnd())[0]!)).toBe("retry: 2000\n\n");
  });

  test("POST /control/gc answers whether a collection ran and the memory", async () => {
    const { app } = setup({ control: true });
    const response = await app.request("/control/gc", { method: "POST" });
    expect(await response.json()).toEqual({ collected: false, memory: { rss: 1000, heapUsed: 500 } });
  });
});
