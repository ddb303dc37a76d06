/**
 * What a server under test offers the suite, in the levels of docs/contract.md, and what a check needs of
 * it. A check whose needs a target does not offer reports `skip` with the missing capability as its
 * reason: never `pass`, never run half-blind.
 */

export const CAPABILITIES = {
  // Level 1, black box: a URL that serves SSE. Every target offers it; nothing to declare.
  /** The suite starts the server's process itself: signals, exit code, stderr. */
  process: "the suite starts the server's process (signals, exit code, stderr)",
  // Level 2.
  records: "observation records on stdout (docs/contract.md level 2: listening, subscribed, unsubscribed, ...)",
  // Level 3.
  control: "the control endpoints and settings (docs/contract.md level 3: /control/publish, /control/end-streams, /control/gc, /stats, /health, SSE_* settings, ?mitigations=0)",
  page: "a page at / whose EventSource on the stream exposes window.sseDemo (docs/contract.md level 3), for the browser checks",
  // What only some servers have: the check judges something that exists only there.
  "abort-signal": "a request abort signal that the handler reports (`signal-aborted` records); WSGI, for one, has none",
  "graceful-stop": "a graceful-stop API of the server that the app can call alone (SSE_SHUTDOWN=graceful-only)",
  dispatcher: "this repository's dispatcher, whose own criteria the check applies (the final `shutdown` event)",
  probes: "the probe streams at /probe/writer, /probe/throws and /probe/pull (docs/contract.md), plain stream code without the dispatcher",
  compression: "the framework's compression middleware, mounted app-wide with SSE_COMPRESS=1",
  "node-http": "a node:http server whose requestTimeout, headersTimeout and keepAliveTimeout SSE_NODE_TIMEOUTS_MS sets; with probes, the node:http probe at /probe/node-http",
  http2: "HTTP/2 over TLS with SSE_TLS_CERT and SSE_TLS_KEY",
} as const;

export type Capability = keyof typeof CAPABILITIES;

export const ALL_CAPABILITIES = Object.keys(CAPABILITIES) as Capability[];

export function isCapability(name: string): name is Capability {
  return Object.hasOwn(CAPABILITIES, name);
}

/** The capabilities of `needs` that `offers` lacks, in declaration order. */
export function missingCapabilities(needs: readonly Capability[], offers: ReadonlySet<Capability>): Capability[] {
  return ALL_CAPABILITIES.filter((c) => needs.includes(c) && !offers.has(c));
}

/** The skip reason for a check that needs what the target does not offer. */
export function skipReason(target: string, missing: readonly Capability[]): string {
  return `needs ${missing.map((c) => `${c} (${CAPABILITIES[c]})`).join(" and ")}, which ${target} does not offer`;
}
