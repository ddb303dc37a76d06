/**
 * A process's signal dispositions, read from /proc/<pid>/status (SigIgn, SigCgt: hex masks, bit n-1
 * for signal n). A server started with SIGINT ignored (a background job of a non-interactive shell
 * passes SIG_IGN on to its children) never sees Ctrl-C, and Python then installs no
 * KeyboardInterrupt handler: the results record what each server had, so a Ctrl-C result can be
 * trusted.
 */
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import type { SignalDispositions } from "../model/results.ts";

const WATCHED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGPIPE"] as const;

/** The dispositions of `pid`, or undefined where /proc cannot tell (the process is gone, not Linux). */
export function signalDispositions(pid: number): SignalDispositions | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const mask = (field: string): bigint | undefined => {
    const hex = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, "m").exec(status)?.[1];
    return hex === undefined ? undefined : BigInt(`0x${hex}`);
  };
  const ignored = mask("SigIgn");
  const caught = mask("SigCgt");
  if (ignored === undefined || caught === undefined) return undefined;
  const has = (m: bigint, name: (typeof WATCHED)[number]) => ((m >> BigInt(constants.signals[name] - 1)) & 1n) === 1n;
  return { ignored: WATCHED.filter((s) => has(ignored, s)), caught: WATCHED.filter((s) => has(caught, s)) };
}
