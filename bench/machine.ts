/** The machine and the versions a bench ran on, recorded with its figures. */
import { execFileSync } from "node:child_process";
import { cpus, loadavg, release, totalmem, type as osType } from "node:os";
import { libraryVersions, ROOT } from "../suite/harness/targets.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface MachineInfo {
  os: string;
  kernel: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  return {
    os: osType(),
    kernel: release(),
    cpuModel: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryBytes: totalmem(),
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

export function versions(): Record<string, string> {
  const all: Record<string, string> = { coordinatorNode: process.versions.node, ...libraryVersions() };
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
