/**
 * `node bench/experiments/deno-serve-memory/measure.ts [VARIANT...]`: memory per idle SSE connection
 * on the pinned Deno, for each variant of server.ts (all by default). For each, opens 1,000, 2,000
 * and 4,000 idle connections and reads the server's RSS from /proc after two full collections;
 * prints the slope (bytes per connection) and the V8 heap's share of it. Every wait is bounded; the
 * server is killed however the run ends.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { runtimeBinary } from "../../../suite/targets/targets.ts";
import { withTimeout } from "../../../suite/harness/wait.ts";

const VARIANTS = ["default", "hwm0", "bytes", "pull", "transform", "pending", "node-http", "raw"];
const LEVELS = [1000, 2000, 4000];

async function measure(variant: string): Promise<string> {
  const server = spawn(runtimeBinary("deno"), ["run", "-A", "--quiet", "--v8-flags=--expose-gc", join(import.meta.dirname, "server.ts")], {
    env: { ...process.env, VARIANT: variant },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const sockets: Socket[] = [];
  try {
    const port = await withTimeout(
      new Promise<number>((resolve) => server.stdout.once("data", (d: Buffer) => resolve(JSON.parse(String(d).split("\n")[0]!).port))),
      15_000,
      `${variant}: the server's port`,
    );
    const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))![1]) * 1024;
    const heap = async () => Number(await (await fetch(`http://127.0.0.1:${port}/mem`, { signal: AbortSignal.timeout(10_000) })).text());
    // A stream is held once its opening bytes arrive; `pending` never answers, so its request is held once sent and read by the server (the next /mem waits behind nothing: a new connection).
    const openOne = () =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.write("GET /events HTTP/1.1\r\nhost: x\r\n\r\n");
          if (variant === "pending") resolve();
        });
        socket.once("data", () => resolve());
        socket.once("error", reject);
        sockets.push(socket);
      });
    const points: { n: number; rss: number; heap: number }[] = [];
    for (const level of LEVELS) {
      await withTimeout(Promise.all(Array.from({ length: level - sockets.length }, openOne)), 30_000, `${variant}: ${level} connections`);
      const heapUsed = await heap();
      points.push({ n: level, rss: rss(), heap: heapUsed });
    }
    const first = points[0]!;
    const last = points.at(-1)!;
    const perConnection = (last.rss - first.rss) / (last.n - first.n);
    const heapPerConnection = (last.heap - first.heap) / (last.n - first.n);
    return `${variant.padEnd(10)} ${(perConnection / 1024).toFixed(1).padStart(6)} KB per connection (V8 heap ${(heapPerConnection / 1024).toFixed(1)} KB)  RSS ${points.map((p) => `${p.n}: ${(p.rss / 2 ** 20).toFixed(1)} MiB`).join(", ")}`;
  } finally {
    for (const socket of sockets) socket.destroy();
    server.kill("SIGKILL");
  }
}

const chosen = process.argv.length > 2 ? process.argv.slice(2) : VARIANTS;
const unknown = chosen.filter((v) => !VARIANTS.includes(v));
if (unknown.length) {
  console.error(`unknown variant ${unknown.join(", ")}; known: ${VARIANTS.join(", ")}`);
  process.exit(2);
}
for (const variant of chosen) console.log(await measure(variant));
