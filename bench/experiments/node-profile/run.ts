/**
 * `node bench/experiments/node-profile/run.ts`: where the node target's time goes under load, beside
 * node's raw ceiling. Runs `./run-test.sh bench --quick` on each under V8's tick
 * profiler (`--prof`, through a target file of its own: the bench scrubs NODE_OPTIONS and stops
 * servers with SIGKILL, which loses --cpu-prof), takes the server of the fixed-load latency scenario
 * (the same work for both: 1,000 clients × 100 events/s for the same time), and sorts its ticks into
 * buckets by the innermost frame that names one. Prints ticks per bucket for both servers.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runtimeBinary } from "../../../suite/targets/targets.ts";
import { ROOT } from "../../../suite/files/paths.ts";

/** Innermost frame first: the first bucket whose pattern a frame's name matches takes the tick. */
const BUCKETS: [string, RegExp][] = [
  ["idle (epoll_pwait)", /epoll_pwait/],
  ["writev/write syscalls", /^(writev|__write)@/],
  ["WHATWG streams (node:internal/webstreams)", /node:internal\/webstreams/],
  ["@hono/node-server", /@hono\/node-server/],
  ["hono", /node_modules\/hono\//],
  ["our app and dispatcher (src/)", /\/src\/[a-z-]+\.ts/],
  ["the ceiling's code", /bench\/(ceilings|surface)/],
  ["node:http and its streams", /node:(_http|net|internal\/streams|internal\/stream_base|stream)/],
];

interface Preprocessed {
  code: { name: string; type: string }[];
  ticks: { s: number[]; vm: number }[];
}

function bucketsOf(log: string): Map<string, number> {
  const node = runtimeBinary("node");
  const json = execFileSync(node, ["--prof-process", "--preprocess", log], { cwd: join(log, ".."), encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] });
  const profile = JSON.parse(json) as Preprocessed;
  const counts = new Map<string, number>();
  for (const tick of profile.ticks) {
    // `s` alternates a code index and an offset, the innermost frame first.
    // V8's StateTag: 1 GC, 8 IDLE.
    if (tick.vm === 1 || tick.vm === 8) {
      const bucket = tick.vm === 1 ? "GC" : "idle (epoll_pwait)";
      counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
      continue;
    }
    let bucket = "other (the runtime's C++, unattributed)";
    for (let i = 0; i < tick.s.length; i += 2) {
      const name = profile.code[tick.s[i]!]?.name ?? "";
      const found = BUCKETS.find(([, pattern]) => pattern.test(name));
      if (found) {
        bucket = found[0];
        break;
      }
    }
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  return counts;
}

function profileOf(name: string, entry: string, home: string): Map<string, number> {
  const logs = join(home, name);
  mkdirSync(logs);
  const file = join(home, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, runtime: "node", server: name, framework: "profiled", cwd: name, command: [runtimeBinary("node"), "--expose-gc", "--prof", join(ROOT, entry)], offers: ["process", "records", "control", "dispatcher"] }));
  const bench = spawnSync(join(ROOT, "run-test.sh"), ["bench", `${name}.json`, "--quick", "--peers", "none", "--no-ceilings", "--out", join(home, `bench-${name}.json`)], {
    cwd: home,
    env: { ...process.env, SSE_CALLER_DIR: home },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (bench.status !== 0) throw new Error(`bench of ${name} exited ${bench.status}:\n${bench.stdout}`);
  // One server per scenario, in run-subject.ts's order: churn, memory, disconnect idle, fan-out, latency.
  const started = readdirSync(logs).filter((f) => f.endsWith(".log")).sort((a, b) => statSync(join(logs, a)).mtimeMs - statSync(join(logs, b)).mtimeMs);
  if (started.length !== 5) throw new Error(`expected 5 server logs (one per quick scenario), found ${started.length} in ${logs}`);
  return bucketsOf(join(logs, started[4]!));
}

const home = mkdtempSync(join(tmpdir(), "node-profile-"));
const target = profileOf("node-target", "runtimes/node.ts", home);
const ceiling = profileOf("node-ceiling", "bench/ceilings/node.ts", home);
const names = [...new Set([...target.keys(), ...ceiling.keys()])].sort((a, b) => (target.get(b) ?? 0) - (target.get(a) ?? 0));
const busy = (m: Map<string, number>) => [...m].filter(([k]) => !k.startsWith("idle")).reduce((n, [, v]) => n + v, 0);
console.log(`ticks (1 ms samples) of the latency scenario's server, 1,000 clients × 100 events/s; logs in ${home}`);
console.log(`${"bucket".padEnd(46)}${"node target".padStart(12)}${"ceiling".padStart(10)}`);
for (const name of names) console.log(`${name.padEnd(46)}${String(target.get(name) ?? 0).padStart(12)}${String(ceiling.get(name) ?? 0).padStart(10)}`);
console.log(`${"busy (all but idle)".padEnd(46)}${String(busy(target)).padStart(12)}${String(busy(ceiling)).padStart(10)}`);
