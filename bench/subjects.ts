/**
 * What the bench runs: the targets asked for (the suite's definitions, suite/targets/targets.ts) and,
 * for each runtime among them, the peers (bench/peers/: the code a user would write instead of the
 * dispatcher) and its raw ceiling (bench/ceilings/<runtime>.ts, no framework).
 */
import { programTarget, resolveTarget, runtimeCommand, runtimeOf, type Target } from "../suite/targets/targets.ts";
import { type RuntimeName } from "../suite/targets/runtime-versions.ts";

export interface Subject {
  /** `node`, `bun@1.1.26`…, `peer:hono-streamsse:node`, or `ceiling:node`. */
  id: string;
  kind: "target" | "peer" | "ceiling";
  runtime: RuntimeName;
  /** The ceiling this subject is compared with (its runtime's); null for a ceiling. */
  ceiling: string | null;
  /** For a peer: the target, our dispatcher on the same runtime, it is compared with; null otherwise. */
  dispatcher: string | null;
  target: Target;
}

export interface Peer {
  name: string;
  framework: string;
  /** What serves it on each runtime it runs on; its file there is bench/peers/<name>/<runtime>.ts. */
  servers: Partial<Record<RuntimeName, string>>;
  /** What the user writes, in a few words (the bench prints it with the subject). */
  writes: string;
}

/** The code users write instead of our dispatcher, each on the runtimes it supports. */
export const PEERS: readonly Peer[] = [
  {
    name: "hono-streamsse",
    framework: "hono",
    servers: { node: "@hono/node-server", bun: "Bun.serve", deno: "Deno.serve" },
    writes: "Hono streamSSE, a writeSSE per client per event from an EventEmitter",
  },
  {
    name: "elysia-sse",
    framework: "elysia",
    servers: { bun: "Bun.serve (Elysia Bun adapter)", node: "@elysiajs/node (srvx)" },
    writes: "Elysia sse() from a generator per client, fed by node:events on()",
  },
  { name: "better-sse", framework: "better-sse", servers: { node: "node:http" }, writes: "better-sse sessions on one channel, a broadcast per event" },
];

export const PEER_NAMES = PEERS.map((p) => p.name);

const versioned = (runtime: RuntimeName, version?: string) => `${runtime}${version ? `@${version}` : ""}`;
export const ceilingId = (runtime: RuntimeName, version?: string) => `ceiling:${versioned(runtime, version)}`;
export const peerId = (name: string, runtime: RuntimeName, version?: string) => `peer:${name}:${versioned(runtime, version)}`;

export function ceilingTarget(runtime: RuntimeName, version?: string): Target {
  return programTarget({
    id: ceilingId(runtime, version),
    runtime,
    ...(version ? { runtimeVersion: version } : {}),
    server: { node: "node:http", bun: "Bun.serve", deno: "Deno.serve" }[runtime],
    framework: "none",
    command: runtimeCommand(runtime, `bench/ceilings/${runtime}.ts`, version),
  });
}

export function peerTarget(peer: Peer, runtime: RuntimeName, version?: string): Target {
  return programTarget({
    id: peerId(peer.name, runtime, version),
    runtime,
    ...(version ? { runtimeVersion: version } : {}),
    server: peer.servers[runtime]!,
    framework: peer.framework,
    command: runtimeCommand(runtime, `bench/peers/${peer.name}/${runtime}.ts`, version),
  });
}

/**
 * Each target as asked; after the first target of each runtime (and version), the peers that run
 * there (`peers`: their names) and the runtime's ceiling. A peer is compared with the target of its
 * runtime whose framework it shares, else with the first target of its runtime.
 */
export function subjectsFor(ids: string[], options: { ceilings: boolean; peers: readonly string[] }): Subject[] {
  const subjects: Subject[] = [];
  const runtimesSeen = new Set<string>();
  for (const id of ids) {
    const target = resolveTarget(id);
    const runtime = runtimeOf(target, "the bench compares runtime targets with their runtime's raw ceiling");
    const version = target.runtimeVersion;
    const ceiling = options.ceilings ? ceilingId(runtime, version) : null;
    subjects.push({ id, kind: "target", runtime, ceiling, dispatcher: null, target });
    if (runtimesSeen.has(versioned(runtime, version))) continue;
    runtimesSeen.add(versioned(runtime, version));
    for (const peer of PEERS.filter((p) => options.peers.includes(p.name) && p.servers[runtime])) {
      const peerSubject = peerTarget(peer, runtime, version);
      subjects.push({ id: peerSubject.id, kind: "peer", runtime, ceiling, dispatcher: null, target: peerSubject });
    }
    if (ceiling) subjects.push({ id: ceiling, kind: "ceiling", runtime, ceiling: null, dispatcher: null, target: ceilingTarget(runtime, version) });
  }
  for (const peer of subjects.filter((s) => s.kind === "peer")) {
    const mates = subjects.filter((s) => s.kind === "target" && s.runtime === peer.runtime && s.target.runtimeVersion === peer.target.runtimeVersion);
    peer.dispatcher = (mates.find((s) => s.target.framework === peer.target.framework) ?? mates[0])!.id;
  }
  return subjects;
}
