/** The versions a bench ran with, recorded beside its figures. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pinnedVersion } from "../suite/targets/runtime-versions.ts";
import { libraryVersions } from "../suite/targets/targets.ts";
import { ROOT } from "../suite/files/paths.ts";
import type { ClientRuntime } from "./settings.ts";

export function versions(clientRuntime: ClientRuntime): Record<string, string> {
  const client = clientRuntime === "bun" ? `bun ${pinnedVersion("bun") ?? "unknown"}` : `node ${process.versions.node}`;
  const all: Record<string, string> = { coordinatorNode: process.versions.node, loadClients: client, ...libraryVersions() };
  try {
    all["hdr-histogram-js"] = JSON.parse(readFileSync(join(ROOT, "node_modules", "hdr-histogram-js", "package.json"), "utf8")).version;
  } catch {
    all["hdr-histogram-js"] = "missing";
  }
  try {
    all.commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    all.worktreeDirty = String(execFileSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" }).trim().length > 0);
  } catch {
    all.commit = "unknown";
  }
  return all;
}
