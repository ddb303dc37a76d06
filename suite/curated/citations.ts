/**
 * Upstream citations as links. `owner/repo#N` is an issue, unless it is listed below as a pull
 * request (GitHub would redirect, but a link should say what it points to). Which of the cited
 * numbers are pull requests was read in each thread (suite/curated/sources.md).
 */

export interface Citation {
  text: string;
  url?: string;
}

/** The cited references that are pull requests, not issues. */
export const PULL_REQUESTS = new Set([
  "oven-sh/bun#13772",
  "oven-sh/bun#14120",
  "oven-sh/bun#24168",
  "oven-sh/bun#25271",
  "oven-sh/bun#27206",
  "oven-sh/bun#29220",
  "oven-sh/bun#32553",
  "oven-sh/bun#33660",
  "oven-sh/bun#35025",
  "oven-sh/bun#35130",
  "oven-sh/bun#37074",
  "oven-sh/bun#40137",
  "denoland/deno#20387",
  "denoland/deno#28371",
  "denoland/deno#28601",
  "denoland/deno#29056",
  "denoland/deno#29877",
  "denoland/deno#33208",
  "denoland/deno#33315",
  "denoland/deno#34026",
  "denoland/deno#34397",
  "denoland/deno#34446",
  "denoland/deno#35104",
  "denoland/deno#36312",
  "nodejs/node#42812",
  "nodejs/node#56350",
  "nodejs/node#58643",
  "honojs/hono#3859",
  "honojs/node-server#245",
  "honojs/node-server#280",
  "elysiajs/elysia#1455",
]);

const REFERENCE = /^([\w.-]+\/[\w.-]+)#(\d+)$/;

export function citation(reference: string): Citation {
  const match = REFERENCE.exec(reference);
  if (match) return { text: reference, url: `https://github.com/${match[1]}/${PULL_REQUESTS.has(reference) ? "pull" : "issues"}/${match[2]}` };
  if (/^https?:\/\//.test(reference)) return { text: reference.replace(/^https?:\/\//, ""), url: reference };
  return { text: reference };
}

/** A citation as Markdown: a link where there is one. */
export function citationMarkdown(reference: string): string {
  const c = citation(reference);
  return c.url ? `[${c.text}](${c.url})` : c.text;
}
