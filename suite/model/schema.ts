/**
 * The version of each kind of JSON file the suite writes: every file carries it as `schemaVersion`,
 * and a reader refuses a file of another version with the command that writes a current one. Raise
 * a number only when a reader could misread an older file.
 */
export const SCHEMA_VERSIONS = {
  /** A target's run (runs/<target>/run.json and its versions/, shards, subsets). */
  run: 1,
  /** A version matrix (matrix.json). */
  matrix: 1,
  /** A bisect log (bisect/<check>/<from>_to_<to>.json). */
  bisectLog: 1,
  /** compat.json. */
  compat: 1,
  /** bench.json (the bench's second format: ceilings, peers, goals). */
  bench: 2,
  /** expectations/<target>.json: deviations only. */
  expectations: 2,
} as const;

export type SchemaKind = keyof typeof SCHEMA_VERSIONS;

/** Why `parsed` (read from `file`) cannot be read as `kind`, or undefined when it can. */
export function schemaProblem(parsed: unknown, kind: SchemaKind, file: string, writtenBy: string): string | undefined {
  const found = (parsed as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (found === SCHEMA_VERSIONS[kind]) return undefined;
  const was = found === undefined ? "no schemaVersion (written before files carried one)" : `schemaVersion ${JSON.stringify(found)}`;
  return `${file} has ${was}; this suite reads ${kind} files of schemaVersion ${SCHEMA_VERSIONS[kind]}: ${writtenBy} writes a current one`;
}
