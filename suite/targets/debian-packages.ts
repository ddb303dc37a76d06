/**
 * Debian packages a target needs (its file's `debianPackages`: the seed's Python servers). The install
 * step installs them when run as root (tools/install-system.sh); without them every check of the
 * target reports `skip` with the command that installs them, never `error` and never `pass`.
 */
import { spawnSync } from "node:child_process";

/** What dpkg said of each package, asked once per process: checks ask on every start. */
const installed = new Map<string, boolean>();

function isInstalled(name: string): boolean {
  let known = installed.get(name);
  if (known === undefined) {
    const result = spawnSync("dpkg-query", ["-W", "-f=${db:Status-Abbrev}", name], { encoding: "utf8", timeout: 10_000 });
    known = result.status === 0 && result.stdout.startsWith("ii");
    installed.set(name, known);
  }
  return known;
}

/** The packages of `names` that dpkg does not list as installed. */
export function missingDebianPackages(names: readonly string[]): string[] {
  return names.filter((name) => !isInstalled(name));
}

export function missingPackagesReason(missing: readonly string[]): string {
  return `needs the Debian package${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: apt-get install ${missing.join(" ")} (or run the install step as root: tools/install-system.sh)`;
}
