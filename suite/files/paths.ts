/** Where the repository is, and its two folders of results: every path the suite writes or reads is built from here. */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Scratch: every run's files. SSE_RUNS_DIR moves it (the project's own tests run in a temporary one). */
export const RUNS_DIR = process.env.SSE_RUNS_DIR ?? join(ROOT, "runs");
/** Published: what `publish` copied from runs/, and the table built from it. */
export const PUBLISHED_DIR = join(ROOT, "results");
