/** The machine a run or a bench ran on, recorded with its results: a column of the table names it. */
import { cpus, hostname, loadavg, release, totalmem, type as osType } from "node:os";
import type { MachineInfo } from "../model/results.ts";

export function machineInfo(): MachineInfo {
  return {
    hostname: hostname(),
    os: osType(),
    kernel: release(),
    cpuModel: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryBytes: totalmem(),
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** "2 cores, Intel Xeon …, 24 GiB, host abc": how a column names its machine. */
export function describeMachine(machine: MachineInfo | undefined): string {
  if (!machine) return "not recorded";
  return `${machine.hostname}: ${machine.cores} cores (${machine.cpuModel}), ${Math.round(machine.memoryBytes / 2 ** 30)} GiB`;
}
