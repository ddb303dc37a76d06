/**
 * JSON files that carry their schema version (suite/model/schema.ts): written with `schemaVersion`
 * first, and refused on reading when it is not the version this suite reads, with the command that
 * writes a current one.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { schemaProblem, SCHEMA_VERSIONS, type SchemaKind } from "../model/schema.ts";

export class SchemaError extends Error {
  override name = "SchemaError";
}

/** Writes `value` as JSON with its schema version first; returns the path. */
export function writeVersioned(file: string, kind: SchemaKind, value: object): string {
  const { schemaVersion: _old, ...rest } = value as { schemaVersion?: number };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ schemaVersion: SCHEMA_VERSIONS[kind], ...rest }, null, 2) + "\n");
  return file;
}

/** Reads a JSON file of `kind`; a file of another schema version is refused, naming `writtenBy`. */
export function readVersioned<T>(file: string, kind: SchemaKind, writtenBy: string): T {
  if (!existsSync(file)) throw new SchemaError(`no file at ${file}: ${writtenBy} writes it`);
  const parsed = JSON.parse(readFileSync(file, "utf8")) as T;
  const problem = schemaProblem(parsed, kind, file, writtenBy);
  if (problem) throw new SchemaError(problem);
  return parsed;
}
