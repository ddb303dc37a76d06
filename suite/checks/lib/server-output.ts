/** What the checks of group A share: closing a client, reading a server's stderr and its records. */
import type { RawSseClient } from "../../harness/raw-client.ts";
import type { ServerProcess, ServerRecord } from "../../harness/server-process.ts";

export type Close = "fin" | "rst";

export const ERROR_RECORDS = ["uncaught-error", "unhandled-rejection"];

export function close(client: RawSseClient, how: Close): number {
  return how === "fin" ? client.closeFin() : client.closeRst();
}

export function nonEmptyLines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "");
}

/** Each distinct line with how often it came, so that 50 identical lines read as one finding. */
export function tally(lines: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) counts[line] = (counts[line] ?? 0) + 1;
  return counts;
}

/** Waits for the server to drop subscriber `sub` (bounded); the record, or undefined past the bound. */
export function dropped(server: ServerProcess, sub: number, timeoutMs: number): Promise<ServerRecord | undefined> {
  return server
    .waitForRecord((r) => r.type === "unsubscribed" && r.sub === sub, timeoutMs, `unsubscribed for subscriber ${sub}`)
    .catch(() => undefined);
}
