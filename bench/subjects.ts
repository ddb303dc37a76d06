/**
 * What the bench runs: the targets asked for (the suite's definitions, suite/harness/targets.ts) and,
 * for each runtime among them, its raw ceiling (bench/ceilings/<runtime>.ts, no framework).
 */
import { programTarget, resolveTarget, runtimeCommand, runtimeOf, type RuntimeName, type Target } from "../suite/harness/targets.ts";

export interface Subject {
  /** `node`, `bun@1.1.26`…, or `ceiling:node`. */
  id: string;
  kind: "target" | "ceiling";
  runtime: RuntimeName;
  /** The ceiling this subject is compared with (its runtime's); null for a ceiling. */
  ceiling: string | null;
  target: Target;
}

export const ceilingId = (runtime: RuntimeName, version?: string) => `ceiling:${runtime}${version ? `@${version}` : ""}`;

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

/** Each target followed by its runtime's ceiling (once per runtime and version). */
export function subjectsFor(ids: string[], withCeilings: boolean): Subject[] {
  const subjects: Subject[] = [];
  const ceilings = new Set<string>();
  for (const id of ids) {
    const target = resolveTarget(id);
    const runtime = runtimeOf(target, "the bench compares runtime targets with their runtime's raw ceiling");
    const ceiling = ceilingId(runtime, target.runtimeVersion);
    subjects.push({ id, kind: "target", runtime, ceiling: withCeilings ? ceiling : null, target });
    if (withCeilings && !ceilings.has(ceiling)) {
      ceilings.add(ceiling);
      subjects.push({ id: ceiling, kind: "ceiling", runtime, ceiling: null, target: ceilingTarget(runtime, target.runtimeVersion) });
    }
  }
  return subjects;
}
