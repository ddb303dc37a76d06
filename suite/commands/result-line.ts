/** How a command prints one result: status, id, figure (censored ones as "> bound"), duration; the message when it did not pass. */
import type { CheckResult } from "../model/results.ts";
import { formatFigure } from "../table/format.ts";

export function resultLine(result: CheckResult): string {
  const line = `  ${result.status.padEnd(8)}${result.id.padEnd(32)}${formatFigure(result.figure).padEnd(40)}(${(result.durationMs / 1000).toFixed(1)} s)`;
  return result.status === "pass" ? line : `${line}\n            ${result.message}`;
}
