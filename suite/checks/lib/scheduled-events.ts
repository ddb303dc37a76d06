/**
 * Timing events through a stream: publish a few on a fixed schedule, wait (bounded) for the last, and
 * measure each one's delay from the sending of its publish request to its arrival. flush.per-event,
 * flush.compressed, proxy.buffering and h2.flush time their streams this way, each with its client.
 */
import type { ReceivedEvent } from "../../harness/raw-client.ts";
import { delay, round } from "../../harness/wait.ts";

/** What was published: the event's id and when its publish request was sent. */
export interface Sent {
  id: number;
  sentAt: number;
}

/** A client seen from here: the raw client over HTTP/1.1 and the HTTP/2 client alike. */
export interface EventClient {
  readonly events: readonly ReceivedEvent[];
  readonly end: unknown;
  waitUntil(test: () => boolean, timeoutMs: number, what: string): Promise<void>;
}

export interface Schedule {
  count: number;
  spacingMs: number;
  /** How long to wait for the last event after its publication. */
  observeMs: number;
}

/**
 * Publishes `count` events `spacingMs` apart and waits for the last (or the stream's end, or
 * `observeMs`). `delays[i]` is the i-th event's delay in ms, null when it did not arrive.
 */
export async function timeScheduledEvents<T extends Sent>(
  client: EventClient,
  schedule: Schedule,
  publishOne: (i: number) => Promise<T>,
): Promise<{ sent: T[]; delays: (number | null)[] }> {
  const sent: T[] = [];
  const startedAt = performance.now();
  for (let i = 0; i < schedule.count; i++) {
    // The spacing the check prescribes, kept on a fixed schedule whatever each publish took.
    await delay(Math.max(0, startedAt + i * schedule.spacingMs - performance.now()));
    sent.push(await publishOne(i));
  }
  const lastId = String(sent.at(-1)!.id);
  await client.waitUntil(() => client.events.some((e) => e.id === lastId) || client.end !== undefined, schedule.observeMs, "the last event").catch(() => undefined);
  const delays = sent.map(({ id, sentAt }) => {
    const event = client.events.find((e) => e.id === String(id));
    return event ? round(event.at - sentAt, 2) : null;
  });
  return { sent, delays };
}
