/**
 * The stream most flush checks time events on: opened with every mitigation on and warmed up by one
 * event first, and the timing of one published event on it, from the sending of its publish request.
 */
import { setUpStep } from "../../harness/check.ts";
import { openStream, publish, type OpenedStream } from "../../harness/control.ts";
import type { RawSseClient, ReceivedEvent } from "../../harness/raw-client.ts";
import type { ServerProcess } from "../../harness/server-process.ts";
import { round } from "../../harness/wait.ts";

/** How long to wait for one event: past the bound, to report a late figure rather than only "late". */
export const EVENT_OBSERVE_MS = 3000;

/** Picks out the event of publish id `id`. */
export const byId = (id: number) => (e: ReceivedEvent) => e.id === String(id);

/**
 * Opens a stream with every mitigation on and publishes one event first, so that the first timed
 * publish pays neither the harness's fetch set-up nor the server's first-request warm-up (JIT, route
 * compilation): those are not flushing. Resolves when that event has arrived.
 */
export async function openWarmStream(server: ServerProcess): Promise<OpenedStream> {
  const opened = await openStream(server);
  const warmUp = await publish(server, { event: "warm-up", data: "warm-up" });
  // The warm-up is the harness's preparation, not a measurement: if it fails, the check is an error.
  await setUpStep("warm-up", opened.client.waitForEvent(byId(warmUp.id), EVENT_OBSERVE_MS, "the warm-up event"));
  return opened;
}

/** Publishes now and times the arrival of that event: ms after the publish request was sent, or null. */
export async function publishAndTime(
  server: ServerProcess,
  client: RawSseClient,
  data: string,
): Promise<{ id: number; ms: number | null; publishRoundTripMs: number }> {
  const { id, sentAt } = await publish(server, { event: "timed", data });
  const publishRoundTripMs = round(performance.now() - sentAt, 2);
  const event = await client.waitForEvent(byId(id), EVENT_OBSERVE_MS, `event ${id}`).catch(() => undefined);
  return { id, ms: event ? round(event.at - sentAt, 2) : null, publishRoundTripMs };
}
