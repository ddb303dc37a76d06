/**
 * What a target id says, without I/O: `bun`, `bun@1.1.26`, `deno+no-legacy-abort@2.9.5`. Only a
 * suffix that starts with a digit is a version, so `url:http://user@host/…` keeps its `@`.
 */

/** `bun@1.1.26` → { base: "bun", version: "1.1.26" }; `bun` → { base: "bun" }. */
export function splitVersion(id: string): { base: string; version?: string } {
  const at = id.lastIndexOf("@");
  if (at <= 0 || !/^\d/.test(id.slice(at + 1))) return { base: id };
  return { base: id.slice(0, at), version: id.slice(at + 1) };
}

/**
 * `bun@1.1.26` → { name: "bun", version: "1.1.26", flags: [] }; `deno+no-legacy-abort@2.9.5` →
 * { name: "deno", version: "2.9.5", flags: ["no-legacy-abort"] }.
 */
export function parseTargetId(id: string): { name: string; version?: string; flags: string[] } {
  const { base, version } = splitVersion(id);
  const [name, ...flags] = base.split("+") as [string, ...string[]];
  return { name, flags, ...(version !== undefined ? { version } : {}) };
}
