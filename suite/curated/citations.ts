/** Upstream citations as links: `owner/repo#N` is a GitHub issue or PR (GitHub redirects between them). */

export interface Citation {
  text: string;
  url?: string;
}

const ISSUE = /^([\w.-]+\/[\w.-]+)#(\d+)$/;

export function citation(reference: string): Citation {
  const issue = ISSUE.exec(reference);
  if (issue) return { text: reference, url: `https://github.com/${issue[1]}/issues/${issue[2]}` };
  if (/^https?:\/\//.test(reference)) return { text: reference.replace(/^https?:\/\//, ""), url: reference };
  return { text: reference };
}
