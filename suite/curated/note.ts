/** One curated note: what upstream says of a check on a target, with its links (suite/curated/notes.ts holds them). */
import type { Status } from "../model/results.ts";

export interface CuratedNote {
  check: string;
  /**
   * Where it holds: target ids (`bun` is Bun.serve, `bun-node` is node:http on Bun), or a whole runtime
   * (every target on it). A note for the target wins over one for the runtime.
   */
  on: { targets: string[] } | { runtime: string };
  status: Status[];
  /** Runtime versions the knowledge holds for, e.g. { below: "1.1.27" }; absent: any version. */
  versions?: { from?: string; below?: string };
  cause: string;
  /** What our dispatcher or runtime file does about it; absent: nothing can be done in the app. */
  workaround?: string;
  /** Upstream issues, PRs or docs (owner/repo#N or a URL); empty when the cause is in this app (`ours`). */
  upstream: string[];
  /** The cause is in this app, not upstream; `evidence` says how that was established. */
  ours?: { evidence: string };
}
