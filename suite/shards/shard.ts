/**
 * Splitting a run over machines: `--shard 2/8` runs the second of eight near-equal pieces, as
 * Playwright and vitest do. The unit is the cell (target × check): the cells of a run, targets in the
 * order given and checks in the registry's, are dealt out round-robin, so that every shard gets a
 * share of each target and of each kind of check (the browsers', the slow single-threaded servers')
 * and no cell is in two shards. `./run-test.sh merge` puts the pieces back together.
 */
import type { Check } from "../harness/check.ts";
import { UsageError } from "../model/errors.ts";

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

/** `"2/8"` → { index: 2, total: 8 }; anything else is a usage error. */
export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || total < 1 || index < 1 || index > total) throw new UsageError(`--shard expects i/n with 1 <= i <= n, e.g. 2/8; got ${JSON.stringify(value)}`);
  return { index, total };
}

export const shardLabel = (shard: Shard) => `${shard.index}/${shard.total}`;

/** The checks of each target that `shard` runs (a target with none is left out), in their order. */
export function shardCells<T extends { id: string }>(targets: readonly T[], checks: readonly Check[], shard: Shard): { target: T; checks: Check[] }[] {
  const pieces: { target: T; checks: Check[] }[] = [];
  let cell = 0;
  for (const target of targets) {
    const mine = checks.filter(() => cell++ % shard.total === shard.index - 1);
    if (mine.length > 0) pieces.push({ target, checks: mine });
  }
  return pieces;
}
