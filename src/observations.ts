/**
 * The observation channel: what the server observes, one record per line on stdout.
 *
 * `SSE_OBSERVATIONS=ndjson` (the suite) prints each record as JSON; anything else prints a line a person can
 * read in the terminal of `./run-test.sh serve`. Every record carries `t`, milliseconds on the
 * process's monotonic clock (performance.now()), and `type`.
 *
 * console.log is used because it is the one synchronous-enough writer that Node, Deno and Bun share;
 * the suite times records by their arrival, so a record must not wait for a later one.
 */

export type ObservationRecord = { type: string } & Record<string, unknown>;
export type Observer = (type: string, fields?: Record<string, unknown>) => void;

export type ObservationFormat = "ndjson" | "pretty";

export function createObserver(format: ObservationFormat, write: (line: string) => void = console.log): Observer {
  return (type, fields = {}) => {
    const t = Math.round(performance.now() * 1000) / 1000;
    write(format === "ndjson" ? JSON.stringify({ t, type, ...fields }) : formatPretty(t, type, fields));
  };
}

function formatPretty(t: number, type: string, fields: Record<string, unknown>): string {
  const details = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return `[${(t / 1000).toFixed(3).padStart(9)}s] ${type.padEnd(18)} ${details}`.trimEnd();
}

/** An observer that keeps records in memory, for unit tests. */
export function createMemoryObserver(): Observer & { records: ObservationRecord[] } {
  const records: ObservationRecord[] = [];
  const observer = ((type: string, fields: Record<string, unknown> = {}) => {
    records.push({ t: performance.now(), type, ...fields });
  }) as Observer & { records: ObservationRecord[] };
  observer.records = records;
  return observer;
}
