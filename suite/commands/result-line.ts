/** How a command prints one result: status, id, figure (censored ones as "> bound"), duration; the message when it did not pass. */
import type { CheckResult } from "../model/results.ts";
import { ALL_CHECKS } from "../checks/registry.ts";
import { formatFigure } from "../table/format.ts";

/** The id column fits the longest id, and a space, so that no id runs into its figure. */
const ID_WIDTH = Math.max(...ALL_CHECKS.map((c) => c.id.length)) + 2;

export function resultLine(result: CheckResult): string {
  const line = `  ${result.status.padEnd(8)}${result.id.padEnd(ID_WIDTH)}${formatFigure(result.figure).padEnd(40)}(${(result.durationMs / 1000).toFixed(1)} s)`;
  return result.status === "pass" ? line : `${line}\n            ${result.message}`;
}
