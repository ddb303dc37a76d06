/**
 * Probes: three streams written the way plain code writes them, without the dispatcher, so that the
 * suite sees what the runtime does with each (docs/contract.md, capability `probes`). Mounted with the
 * control endpoints only. Each reports what it sees on the observation channel.
 *
 * - `GET /probe/writer`: a writer loop (a TransformStream, as Hono's `streamSSE` writes), one event
 *   every 100 ms, each write awaited. Once a write rejects, ten more writes, then the handler returns.
 *   Every write's settling is reported, and a write still pending after 1 s is reported as such.
 * - `GET /probe/throws`: a pull-based stream whose producer throws after two events.
 * - `GET /probe/pull`: a pull-based stream (highWaterMark 1) that makes 64 KiB per pull, counting
 *   what the runtime pulls, reported at every MiB; it stops making bytes at 64 MiB.
 */
import type { Observer } from "./observations.ts";
import { encodeText } from "./sse.ts";

export const PROBE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform" } as const;

/** The message of the probe's producer error: the suite counts how often the server prints it. */
export const PROBE_ERROR_MESSAGE = "sse-compat probe: the producer failed after 2 events";

const WRITE_EVERY_MS = 100;
const WRITE_PENDING_MS = 1000;
const WRITES_AFTER_REJECTION = 10;
const PULL_CHUNK_BYTES = 64 * 1024;
const PULL_CAP_BYTES = 64 * 1024 * 1024;
const MIB = 1024 * 1024;

let nextProbe = 1;

const event = (n: number) => encodeText(`id: ${n}\ndata: probe ${n}\n\n`);
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The probe's response for `path`, or undefined when there is no such probe. */
export function probeResponse(path: string, observe: Observer): Response | undefined {
  if (path === "/probe/writer") return new Response(writerProbe(observe), { headers: PROBE_HEADERS });
  if (path === "/probe/throws") return new Response(throwingProbe(observe), { headers: PROBE_HEADERS });
  if (path === "/probe/pull") return new Response(pullProbe(observe), { headers: PROBE_HEADERS });
  return undefined;
}

function writerProbe(observe: Observer): ReadableStream<Uint8Array> {
  const probe = nextProbe++;
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  // Awaited below through each write; this only keeps a rejection of `closed` from going unhandled.
  writer.closed.catch(() => {});

  /** One write, reported when it settles, and as pending if it has not after 1 s. */
  const write = async (n: number): Promise<"resolved" | "rejected"> => {
    const startedAt = performance.now();
    const pending = setTimeout(() => observe("probe-write-pending", { probe, n, ms: WRITE_PENDING_MS }), WRITE_PENDING_MS);
    try {
      await writer.write(event(n));
      return "resolved";
    } catch {
      return "rejected";
    } finally {
      clearTimeout(pending);
      observe("probe-write-settled", { probe, n, ms: Math.round(performance.now() - startedAt) });
    }
  };

  void (async () => {
    observe("probe-opened", { probe, probeKind: "writer" });
    let n = 0;
    for (;;) {
      const outcome = await write(++n);
      if (outcome === "rejected") break;
      await delay(WRITE_EVERY_MS);
    }
    observe("probe-write-rejected", { probe, n });
    for (let i = 0; i < WRITES_AFTER_REJECTION; i++) await write(++n);
    observe("probe-returned", { probe, writes: n });
  })();
  return readable;
}

function throwingProbe(observe: Observer): ReadableStream<Uint8Array> {
  const probe = nextProbe++;
  let n = 0;
  observe("probe-opened", { probe, probeKind: "throws" });
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (n < 2) return controller.enqueue(event(++n));
      observe("probe-threw", { probe, after: n });
      throw new Error(PROBE_ERROR_MESSAGE);
    },
  });
}

function pullProbe(observe: Observer): ReadableStream<Uint8Array> {
  const probe = nextProbe++;
  const chunk = new Uint8Array(PULL_CHUNK_BYTES).fill(0x3a); // ":" lines: SSE comments
  chunk[PULL_CHUNK_BYTES - 1] = 0x0a;
  let pulled = 0;
  observe("probe-opened", { probe, probeKind: "pull" });
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= PULL_CAP_BYTES) {
          observe("probe-pull-capped", { probe, bytes: pulled });
          // Never settles: the probe makes no more bytes, and the runtime cannot pull again.
          return new Promise<void>(() => {});
        }
        controller.enqueue(chunk.slice());
        pulled += PULL_CHUNK_BYTES;
        if (pulled % MIB === 0) observe("probe-pulled", { probe, bytes: pulled });
      },
    },
    { highWaterMark: 1 },
  );
}
