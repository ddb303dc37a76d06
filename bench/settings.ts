/**
 * The bench's sizes and durations: the full run (about 50 s per server on a 2-core machine) and
 * `--quick` (about 10 s per server), both scaled by `--clients`.
 */


/** Connections one load-client process holds at most (its open files, with room to spare). */
/**
 * The runtime the load clients run on. Bun by default: on Node each socket's read costs the client
 * more than the server's write costs the server (a quick bench on 2026-12-01: at 3.2M deliveries/s
 * offered the node clients used 0.92 cores against Bun's raw ceiling's 0.70, and the fan-out ended
 * "limited by client"; with the clients on Bun the same target ended "limited by server"). Node stays
 * available (`--client-runtime node`) to compare.
 */
export type ClientRuntime = "bun" | "node";

export const CONNECTIONS_PER_CLIENT_PROCESS = 10_000;

export interface Settings {
  mode: "full" | "quick";
  /** The base population: fan-out, fixed-load latency and disconnect detection run with it. */
  clients: number;
  /** The large fan-out population, or null (quick). */
  largeClients: number | null;
  /** Idle connections at which the RSS is read; its slope is the memory per connection. */
  memoryLevels: number[];
  /** Connections attempted to find the most a server holds, or null (quick). */
  maxConnections: number | null;
  repeats: number;
  /** Size of each event's data, bytes. */
  eventBytes: number;
  /** The fixed load: events per second to each of `clients`. */
  latencyRate: number;
  /** Fan-out capacity is the best delivered rate whose p99 latency stays within this, ms. */
  p99BoundMs: number;
  /**
   * The same bound for the large population (`largeClients`), ms. One round of writes to 10,000
   * sockets takes this machine tens of ms by itself: in the published run of 2026-12-01 Bun's raw
   * ceiling had p50 54 ms and p99 108-148 ms at 10,000 clients and one event per 200 ms tick, so at 50 ms
   * no subject had a passing step and the figure said nothing. Five times the base bound for ten
   * times the clients.
   */
  largeP99BoundMs: number;
  fanoutStepMs: number;
  latencyMs: number;
  churnMs: number;
  churnConcurrency: number;
  /** Disconnect probes per repeat. */
  probes: number;
  clientProcesses: number;
  /** What the load clients run on (bench/client-pool.ts). */
  clientRuntime: ClientRuntime;
}

export function settingsFor(mode: "full" | "quick", clients = 1000, openFilesHard = 20_000, clientRuntime: ClientRuntime = "bun"): Settings {
  const quick = mode === "quick";
  return {
    mode,
    clients,
    largeClients: quick ? null : clients * 10,
    memoryLevels: quick ? [Math.ceil(clients / 4), Math.ceil(clients / 2), clients] : [clients, clients * 5, clients * 10],
    // One connection is one file; the server keeps a few dozen for itself.
    maxConnections: quick ? null : Math.min(clients * 20, openFilesHard),
    repeats: 3,
    eventBytes: 100,
    latencyRate: 100,
    p99BoundMs: 50,
    largeP99BoundMs: 250,
    fanoutStepMs: quick ? 300 : 400,
    latencyMs: quick ? 800 : 1500,
    churnMs: quick ? 500 : 1000,
    churnConcurrency: 32,
    probes: quick ? 10 : 20,
    // Each holds up to its share under its own open-files limit (bench/client-pool.ts `fill`).
    clientProcesses: Math.max(1, Math.ceil((quick ? clients : Math.min(clients * 20, openFilesHard)) / CONNECTIONS_PER_CLIENT_PROCESS)),
    clientRuntime,
  };
}
