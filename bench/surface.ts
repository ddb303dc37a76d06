/**
 * The bench's surface, what the peers (bench/peers/) and the raw ceilings (bench/ceilings/) speak
 * alike: report lines on stdout (listening, subscribed, unsubscribed, each with the server's clock
 * `t`), the publish body, a full GC and the stats. The subjects differ only in how they serve SSE,
 * which is what they are for.
 */
import type { IncomingMessage } from "node:http";

export const observe = (type: string, fields: Record<string, unknown>) => console.log(JSON.stringify({ t: performance.now(), type, ...fields }));

/** POST /control/publish: `count` events of `data`, or of `size` bytes of filler. */
export interface PublishBody {
  data?: string;
  size?: number;
  count?: number;
}

export const dataOf = (body: PublishBody): string => body.data ?? "x".repeat(body.size ?? 0);

/** A node:http request's JSON body (the publish request of the node:http subjects). */
export function readJson(req: IncomingMessage): Promise<PublishBody> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      try {
        resolve(JSON.parse(body || "{}"));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** A full collection where the runtime exposes one (Bun.gc; `gc` with --expose-gc on Node and Deno). */
export function collectGarbage(): boolean {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun) {
    bun.gc(true);
    return true;
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return gc !== undefined;
}

export const memory = () => process.memoryUsage();

/** The readiness line every subject prints: the bench reads the port and the runtime from it. */
export function listening(port: number, runtime: "node" | "bun" | "deno", runtimeVersion: string, server: string): void {
  observe("listening", { port, runtime, runtimeVersion, server, pid: process.pid });
}

/** The bench stops a subject with SIGTERM: nothing to finish, exit at once. */
export function exitOnSignals(): void {
  process.on("SIGTERM", () => process.exit(0));
  process.on("SIGINT", () => process.exit(0));
}

/** The port and host from the environment, as for every subject (an ephemeral port by default). */
export const PORT = Number(process.env.PORT ?? 0);
export const HOST = process.env.HOST ?? "127.0.0.1";

/**
 * What a publish is given reaches `send` in a microtask, at most once per turn of the event loop;
 * what the rest of a busy turn publishes is joined and sent when the turn ends (a timer): the
 * flushing our dispatcher does (src/dispatcher.ts `scheduleFlush`, where the measurements behind it
 * are), so that a ceiling differs from the target only in what the framework and the streams cost.
 * A write per event per client costs a syscall each, and under load one turn carries many publishes.
 */
export function perTurn(send: (chunk: Uint8Array) => void): (bytes: Uint8Array) => void {
  let pending: Uint8Array[] = [];
  let flushedInTurn = false;
  const flush = () => {
    const chunks = pending;
    pending = [];
    send(chunks.length === 1 ? chunks[0]! : concat(chunks));
    if (flushedInTurn) return;
    flushedInTurn = true;
    setTimeout(() => {
      flushedInTurn = false;
      if (pending.length > 0) flush();
    }, 0);
  };
  return (bytes) => {
    if (pending.push(bytes) === 1 && !flushedInTurn) queueMicrotask(flush);
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The publish body's events in the ceilings' encoding, ids from `nextId()`. */
export function encodePublish(body: PublishBody, nextId: () => number): string {
  const data = dataOf(body);
  let text = "";
  for (let i = 0; i < (body.count ?? 1); i++) text += `id: ${nextId()}\ndata: ${data}\n\n`;
  return text;
}
