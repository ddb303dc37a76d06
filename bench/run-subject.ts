/**
 * One server through every scenario, in an order that reuses connections: churn first (from a fresh
 * server, so that "RSS back to where it started" means something), memory on fresh idle connections
 * before any heavy load, the large fan-out on them, then the base population (disconnect detection
 * idle, fan-out, fixed-load latency with detection under load), and the most connections held. A scenario that
 * breaks is recorded and the next one runs; the server is stopped and reaped on every path.
 */
import { BenchServer } from "./bench-server.ts";
import type { ClientPool } from "./client-pool.ts";
import { ensureConnections, type BenchContext } from "./context.ts";
import type { Placement } from "./placement.ts";
import { runChurn, type ChurnResult } from "./scenarios/churn.ts";
import { runIdleDisconnects, type DisconnectResult } from "./scenarios/disconnect.ts";
import { runFanout, type FanoutResult } from "./scenarios/fanout.ts";
import { runLatency, type LatencyResult } from "./scenarios/latency.ts";
import { runMaxConnections, type MaxConnectionsResult } from "./scenarios/max-connections.ts";
import { runMemory, type MemoryResult } from "./scenarios/memory.ts";
import type { Settings } from "./settings.ts";
import type { Subject } from "./subjects.ts";

export interface SubjectResult {
  id: string;
  kind: "target" | "peer" | "ceiling";
  runtime: string;
  runtimeVersion: string | null;
  server: string;
  framework: string;
  ceiling: string | null;
  /** A peer's dispatcher target (see Subject). */
  dispatcher: string | null;
  wallMs: number;
  scenarios: {
    churn?: ChurnResult;
    disconnectIdle?: DisconnectResult;
    fanout?: FanoutResult;
    fanoutLarge?: FanoutResult;
    latency?: LatencyResult;
    disconnectUnderLoad?: DisconnectResult;
    memory?: MemoryResult;
    maxConnections?: MaxConnectionsResult;
  };
  /** Scenarios that could not run to the end, and why. */
  errors: { scenario: string; message: string }[];
  stderrTail: string;
}

let stepCounter = 0;

export async function runSubject(subject: Subject, pool: ClientPool, placement: Placement, settings: Settings, log: (line: string) => void): Promise<SubjectResult> {
  const startedAt = performance.now();
  const result: SubjectResult = {
    id: subject.id,
    kind: subject.kind,
    runtime: subject.runtime,
    runtimeVersion: subject.target.runtimeVersion ?? null,
    server: subject.target.server,
    framework: subject.target.framework,
    ceiling: subject.ceiling,
    dispatcher: subject.dispatcher,
    wallMs: 0,
    scenarios: {},
    errors: [],
    stderrTail: "",
  };
  let server: BenchServer | undefined;
  const stderrTails: string[] = [];
  try {
    server = await BenchServer.start(subject.target, placement);
    const listening = server.process.records.find((r) => r.type === "listening");
    result.runtimeVersion = typeof listening?.runtimeVersion === "string" ? listening.runtimeVersion : result.runtimeVersion;
    const ctx: BenchContext = { server, pool, settings, nextStep: () => ++stepCounter, log: (line) => log(`${subject.id}: ${line}`) };
    let scenariosRun = 0;
    // Each scenario on a fresh server: one that follows 10k connections or a saturating fan-out on
    // the same process would measure that history (grown heap, allocator), not the scenario.
    const freshServer = async () => {
      await pool.close();
      stderrTails.push(server!.stderrTail());
      await server!.stop();
      server = await BenchServer.start(subject.target, placement);
      ctx.server = server;
    };
    const scenario = async (name: string, body: () => Promise<void>) => {
      try {
        if (scenariosRun++ > 0) await freshServer();
      } catch (error) {
        result.errors.push({ scenario: name, message: `not run: the server did not restart: ${(error as Error).message}` });
        return;
      }
      if (server!.process.hasExited) {
        result.errors.push({ scenario: name, message: "not run: the server had exited" });
        return;
      }
      try {
        await body();
      } catch (error) {
        result.errors.push({ scenario: name, message: (error as Error).message });
        log(`${subject.id}: ${name} broke: ${(error as Error).message}`);
      }
    };
    const closeAll = async () => {
      await pool.close();
      await server!.waitForSubscribers(0, 30_000);
    };

    await scenario("churn", async () => void (result.scenarios.churn = await runChurn(ctx)));
    // Memory before any heavy load: a heap grown by a fan-out absorbs new connections without new
    // pages, and the RSS would not show them.
    await scenario("memory", async () => void (result.scenarios.memory = await runMemory(ctx)));
    if (settings.largeClients !== null) {
      const large = settings.largeClients;
      await scenario("fanout-large", async () => void (result.scenarios.fanoutLarge = await runFanout(ctx, large)));
    }
    await scenario("disconnect-idle", async () => {
      await closeAll();
      await ensureConnections(ctx, settings.clients);
      result.scenarios.disconnectIdle = await runIdleDisconnects(ctx);
    });
    await scenario("fanout", async () => void (result.scenarios.fanout = await runFanout(ctx, settings.clients)));
    await scenario("latency", async () => {
      const { latency, disconnectUnderLoad } = await runLatency(ctx);
      result.scenarios.latency = latency;
      result.scenarios.disconnectUnderLoad = disconnectUnderLoad;
    });
    if (settings.maxConnections !== null) {
      const attempted = settings.maxConnections;
      await scenario("max-connections", async () => void (result.scenarios.maxConnections = await runMaxConnections(ctx, attempted)));
    }
  } catch (error) {
    result.errors.push({ scenario: "start", message: (error as Error).message });
  } finally {
    await pool.close().catch(() => {});
    if (server) {
      stderrTails.push(server.stderrTail());
      result.stderrTail = stderrTails.filter(Boolean).join("\n").slice(-4000);
      await server.stop();
    }
    result.wallMs = Math.round(performance.now() - startedAt);
  }
  return result;
}
