/**
 * Peer: Elysia's own way to stream SSE: a generator handler per client that yields `sse()` payloads
 * (elysia src/utils.ts `sse`, streamed by src/adapter/utils.ts `createStreamHandler`, which ends the
 * generator when the request's signal aborts), here fed by an in-process EventEmitter through
 * node:events `on()`. No dispatcher, no queue bound, no replay, no heartbeat: the code a user writes
 * instead of ours.
 */
import { EventEmitter, on } from "node:events";
import { Elysia, sse, type ElysiaConfig } from "elysia";
import { collectGarbage, dataOf, memory, observe, type PublishBody } from "../../surface.ts";

export function createPeerApp(config: ElysiaConfig<""> = {}) {
  const emitter = new EventEmitter();
  // One listener per client; Node warns past 10 of a possible leak, and a fan-out has thousands.
  emitter.setMaxListeners(0);
  let nextSub = 1;
  let lastId = 0;
  let subscribers = 0;

  return new Elysia(config)
    .get("/events", async function* ({ request }) {
      const sub = nextSub++;
      observe("subscribed", { sub, subscribers: ++subscribers });
      try {
        // The opening bytes every subject sends; Elysia sends the head with the first yield.
        yield sse({ retry: 2000 });
        for await (const [event] of on(emitter, "event", { signal: request.signal })) yield sse(event as { id: string; data: string });
      } catch (error) {
        // The client went: `on()` ends with the signal's AbortError.
        if ((error as Error).name !== "AbortError") throw error;
      } finally {
        observe("unsubscribed", { sub, mechanism: "generator", subscribers: --subscribers });
      }
    })
    .post("/control/publish", ({ body }) => {
      const publish = body as PublishBody;
      const data = dataOf(publish);
      for (let i = 0; i < (publish.count ?? 1); i++) emitter.emit("event", { id: String(++lastId), data });
      return { id: lastId, subscribers };
    })
    .post("/control/gc", () => ({ collected: collectGarbage(), memory: memory() }))
    .get("/stats", () => ({ subscribers, memory: memory() }));
}
