/**
 * Peer: what Hono's docs show for SSE (hono.dev/docs/helpers/streaming, `streamSSE`): a `writeSSE`
 * per client per event, fed by an in-process EventEmitter, with `onAbort` to stop listening. No
 * dispatcher, no queue bound, no replay, no heartbeat: the code a user writes instead of ours.
 */
import { EventEmitter } from "node:events";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { collectGarbage, dataOf, memory, observe, type PublishBody } from "../../surface.ts";

export function createPeerApp(): Hono {
  const emitter = new EventEmitter();
  // One listener per client; Node warns past 10 of a possible leak, and a fan-out has thousands.
  emitter.setMaxListeners(0);
  let nextSub = 1;
  let lastId = 0;
  let subscribers = 0;
  const app = new Hono();

  app.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      const sub = nextSub++;
      // The opening bytes every subject sends (the disconnect probe waits for them).
      await stream.write("retry: 2000\n\n");
      // Not awaited, as in a listener: writes queue without bound. writeSSE swallows the error of a
      // write to a closed stream (hono src/utils/stream.ts).
      const send = (event: { id: string; data: string }) => void stream.writeSSE(event);
      emitter.on("event", send);
      observe("subscribed", { sub, subscribers: ++subscribers });
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      emitter.off("event", send);
      observe("unsubscribed", { sub, mechanism: "abort", subscribers: --subscribers });
    }),
  );

  app.post("/control/publish", async (c) => {
    const body = await c.req.json<PublishBody>();
    const data = dataOf(body);
    for (let i = 0; i < (body.count ?? 1); i++) emitter.emit("event", { id: String(++lastId), data });
    return c.json({ id: lastId, subscribers });
  });
  app.post("/control/gc", (c) => c.json({ collected: collectGarbage(), memory: memory() }));
  app.get("/stats", (c) => c.json({ subscribers, memory: memory() }));
  return app;
}
