/**
 * The report channel: what the server observes, one record per line on stdout.
 *
 * `SSE_REPORT=ndjson` (the suite) prints each record as JSON; anything else prints a line a person can
 * read in the terminal of `./run-test.sh serve`. Every record carries `t`, milliseconds on the
 * process's monotonic clock (performance.now()), and `type`.
 *
 * console.log is used because it is the one synchronous-enough writer that Node, Deno and Bun share;
 * the suite times records by their arrival, so a record must not wait for a later one.
 */

export type ReportRecord = { type: string } & Record<string, unknown>;
export type Reporter = (type: string, fields?: Record<string, unknown>) => void;

export type ReportFormat = "ndjson" | "pretty";

export function createReporter(format: ReportFormat, write: (line: string) => void = console.log): Reporter {
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

/** A reporter that keeps records in memory, for unit tests. */
export function createMemoryReporter(): Reporter & { records: ReportRecord[] } {
  const records: ReportRecord[] = [];
  const reporter = ((type: string, fields: Record<string, unknown> = {}) => {
    records.push({ t: performance.now(), type, ...fields });
  }) as Reporter & { records: ReportRecord[] };
  reporter.records = records;
  return reporter;
}
