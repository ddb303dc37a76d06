/**
 * Where a long matrix run stands: version i of n, check j of m, time elapsed and an estimate of what
 * remains (the mean wall time of the versions run so far; within the first, the checks' pace).
 * The estimate is an estimate: printed with "~", never stored.
 */
export class MatrixProgress {
  private readonly startedAt = performance.now();
  private versionStartedAt = performance.now();
  private readonly versionWalls: number[] = [];
  private version = 0;
  private check = 0;
  private readonly versions: number;
  private readonly checks: number;

  constructor(versions: number, checks: number) {
    this.versions = versions;
    this.checks = checks;
  }

  startVersion(index: number): void {
    this.version = index;
    this.check = 0;
    this.versionStartedAt = performance.now();
  }

  /** A version taken from an earlier run's results: it costs no time now and says nothing of the pace. */
  skipVersion(index: number): void {
    this.version = index;
  }

  checkDone(): void {
    this.check++;
  }

  endVersion(): void {
    this.versionWalls.push(performance.now() - this.versionStartedAt);
  }

  /** `[version 2/5 · check 13/54 · 3 min 10 s elapsed · ~7 min left]` */
  label(): string {
    const elapsed = performance.now() - this.startedAt;
    const left = this.remainingMs();
    return `[version ${this.version}/${this.versions} · check ${this.check}/${this.checks} · ${duration(elapsed)} elapsed${left === null ? "" : ` · ~${duration(left)} left`}]`;
  }

  private remainingMs(): number | null {
    const versionsAfter = this.versions - this.version;
    const inVersion = performance.now() - this.versionStartedAt;
    const perVersion = this.versionWalls.length
      ? this.versionWalls.reduce((a, b) => a + b, 0) / this.versionWalls.length
      : this.check > 0
        ? (inVersion / this.check) * this.checks
        : null;
    if (perVersion === null) return null;
    return Math.max(0, perVersion - inVersion) + versionsAfter * perVersion;
  }
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
