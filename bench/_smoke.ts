import { ClientPool } from "/work/main/bench/client-pool.ts";
import { BenchServer } from "/work/main/bench/bench-server.ts";
import { detectPlacement, pinSelf } from "/work/main/bench/placement.ts";
import { publishSteady } from "/work/main/bench/publisher.ts";
import { resolveTarget } from "/work/main/tests/harness/targets.ts";
import { percentileMs } from "/work/main/bench/histogram.ts";
const placement = detectPlacement(); console.log(placement); pinSelf(placement.clientCpus);
const pool = await ClientPool.start(2, placement.clientCpus);
const id = process.argv[2] ?? "node";
const target = id.startsWith("ceiling:") ? { id, runtime: id.slice(8) as any, server: "raw", framework: "none", command: (await import("/work/main/tests/harness/targets.ts")).runtimeCommand(id.slice(8) as any, `bench/ceilings/${id.slice(8)}.ts`) } : resolveTarget(id);
const server = await BenchServer.start(target, placement);
try {
  let t = performance.now();
  const o = await pool.open(server.port, "/events", 1000, { concurrency: 200, timeoutMs: 5000, deadlineMs: 20000 });
  console.log("open", o, performance.now() - t);
  await server.waitForSubscribers(1000, 5000);
  console.log("rss", await server.rssAfterGc());
  for (const rate of [10, 100, 400, 1000]) {
    await pool.begin(rate);
    const c0 = server.cpuMs(); t = performance.now();
    const p = await publishSteady(server, { step: rate, eventsPerSecond: rate, tickMs: 10, durationMs: 500, eventBytes: 100 });
    const r = await pool.collect(rate, p.published, 1000);
    const el = performance.now() - t;
    console.log(rate, p, { complete: r.complete, received: r.received, missing: r.missing, lost: r.lost, p50: percentileMs(r.histogram, 50), p99: percentileMs(r.histogram, 99), rate: r.received / ((r.lastArrivalMs! - p.firstSentAt) / 1000), serverCpu: (server.cpuMs() - c0) / el, clientCpu: r.cpuMs / el });
    if (!r.complete) { const d = await pool.collect(rate, p.published, 10000); console.log("drain", d.complete, d.missing); }
  }
} finally { await server.stop(); await pool.stop(); }
