/**
 * Joins the shards of split runs (`--shard i/n`) into whole runs, one per target: every check of the
 * whole run exactly once, in the whole run's order, each keeping the shard, machine and suite commit
 * it ran on (`ranOn`), and the run listing its shards (`run.shards`). Refuses shards that do not
 * add up (a shard missing, counted twice, or from a split of another size) with what to run.
 */
import type { CheckResult, ShardOrigin, TargetResults } from "../model/results.ts";

export class ShardMergeError extends Error {
  override name = "ShardMergeError";
}

export interface MergedRun {
  results: TargetResults;
  /** Suite commits that differ between the shards (a merge of pieces from different commits). */
  commits: string[];
}

/** Merges the shard files of one target. */
export function mergeShards(target: string, shards: readonly TargetResults[]): MergedRun {
  if (shards.length === 0) throw new ShardMergeError(`${target}: no shards`);
  const first = shards[0]!;
  const total = first.run.shard?.total;
  const order = first.run.shard?.checks;
  if (total === undefined || order === undefined) throw new ShardMergeError(`${target}: ${first.run.date} is a whole run, not a shard`);
  const byIndex = new Map<number, TargetResults>();
  for (const piece of shards) {
    const shard = piece.run.shard;
    if (!shard) throw new ShardMergeError(`${target}: the run of ${piece.run.date} is a whole run, not a shard`);
    if (shard.total !== total) throw new ShardMergeError(`${target}: shards of splits in ${total} and in ${shard.total}: merge the pieces of one split`);
    if (shard.checks.join("\n") !== order.join("\n")) throw new ShardMergeError(`${target}: shard ${shard.index}/${total} was split from another list of checks than shard ${first.run.shard!.index}/${total}`);
    if (byIndex.has(shard.index)) throw new ShardMergeError(`${target}: shard ${shard.index}/${total} given twice (${byIndex.get(shard.index)!.run.date} and ${piece.run.date}): keep one`);
    byIndex.set(shard.index, piece);
  }
  const found = new Map<string, CheckResult>();
  for (const [index, piece] of byIndex) {
    for (const check of piece.checks) {
      if (found.has(check.id)) throw new ShardMergeError(`${target}: ${check.id} is in two shards`);
      found.set(check.id, { ...check, ranOn: { shard: index, hostname: piece.run.machine.hostname, suiteCommit: piece.run.suiteCommit } });
    }
  }
  const missing = order.filter((id) => !found.has(id));
  if (missing.length) {
    const absent = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
    const hint = absent.length ? `; shards not given: ${absent.map((i) => `${i}/${total}`).join(", ")} (./run-test.sh ${target} --shard ${absent[0]}/${total})` : "";
    throw new ShardMergeError(`${target}: ${missing.length} of ${order.length} checks missing (${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""})${hint}`);
  }
  const pieces = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, piece]) => piece);
  const origins: ShardOrigin[] = pieces.map((p) => ({ index: p.run.shard!.index, total, date: p.run.date, hostname: p.run.machine.hostname, suiteCommit: p.run.suiteCommit, wallMs: p.wallMs }));
  const { shard: _shard, ...run } = pieces[0]!.run;
  const commits = [...new Set(origins.map((o) => o.suiteCommit))];
  return {
    results: {
      run: { ...run, shards: origins },
      // The whole run's wall time, had the shards run side by side: the longest shard.
      wallMs: Math.max(...pieces.map((p) => p.wallMs)),
      checks: order.map((id) => found.get(id)!),
    },
    commits: commits.length > 1 ? commits : [],
  };
}
