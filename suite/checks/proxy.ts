/**
 * proxy.buffering (group H): the target behind Debian's nginx on loopback, configured as guides show a
 * minimal reverse proxy, `proxy_buffering` left at its default (on). Users meet buffered streams behind
 * nginx and tunnels (honojs/hono#4273, cloudflare/cloudflared#1496). nginx's own defaults throughout,
 * as a one-line `proxy_pass` gets them: HTTP/1.0 to the upstream, buffering on (measured with nginx
 * 1.22: with `proxy_http_version 1.1` it passed chunked events on at once). The app answers with
 * `X-Accel-Buffering: no`, which nginx honours per response. The outcome is the stream with every
 * mitigation on; the fact, `mitigations=0` (no such header), is recorded beside it.
 */
import { censored, fail, measured, pass, skip } from "../model/results.ts";
import { type Check, setUpStep } from "../harness/check.ts";
import { publish } from "../harness/control.ts";
import { missingDebianPackages, missingPackagesReason } from "../targets/debian-packages.ts";
import { startNginx } from "../harness/nginx.ts";
import { RawSseClient, type ReceivedEvent } from "../harness/raw-client.ts";
import type { ServerProcess } from "../harness/server-process.ts";
import { ascending, percentile } from "../model/percentile.ts";
import { timeScheduledEvents } from "./lib/scheduled-events.ts";

const EVENT_BOUND_MS = 50;
const EVENT_OBSERVE_MS = 3000;
const FACT_OBSERVE_MS = 1000;
const COUNT = 5;
const SPACING_MS = 100;

const byId = (id: number) => (e: ReceivedEvent) => e.id === String(id);

/**
 * One stream through the proxy: 5 events 100 ms apart, each delay from its publish request, or null;
 * `delays` is null when the proxy held even the warm-up event back (no head, or no warm-up within
 * `observeMs`): the timed events are not published then, since a held stream would hold them too.
 */
async function throughProxy(server: ServerProcess, proxyPort: number, path: string, onClient: (c: RawSseClient) => void, observeMs: number) {
  const client = await RawSseClient.open(proxyPort, { path });
  onClient(client);
  const head = await client.waitForHead(observeMs).catch(() => undefined);
  const warmUp = await publish(server, { event: "warm-up", data: "warm-up" });
  if (head) await client.waitForEvent(byId(warmUp.id), observeMs, "the warm-up event").catch(() => undefined);
  const warmUpSeen = client.events.some(byId(warmUp.id));
  const delays = warmUpSeen
    ? (await timeScheduledEvents(client, { count: COUNT, spacingMs: SPACING_MS, observeMs }, (i) => publish(server, { event: "timed", data: `proxied ${i}` }))).delays
    : null;
  client.closeFin();
  return { path, observeMs, status: head?.status ?? null, accelBuffering: head?.headers["x-accel-buffering"] ?? null, warmUpSeen, delays };
}

const worstOf = (delays: (number | null)[] | null) => (delays === null || delays.some((d) => d === null) ? null : Math.max(...(delays as number[])));
function describe(seen: { status: number | null; delays: (number | null)[] | null; observeMs: number }): string {
  if (seen.status === null) return `no response head within ${seen.observeMs} ms`;
  if (seen.delays === null) return `the warm-up event held back for ${seen.observeMs} ms`;
  const worst = worstOf(seen.delays);
  return worst === null ? `not every event within ${seen.observeMs} ms of the last publication` : `worst ${worst} ms`;
}

export const proxyBuffering: Check = {
  id: "proxy.buffering",
  group: "H",
  kind: "outcome",
  needs: ["records", "control"],
  passes:
    "behind nginx with its defaults (`proxy_buffering on`, HTTP/1.0 to the upstream), 5 events 100 ms apart all arrive, a majority within 50 ms (the app's `X-Accel-Buffering: no`); the fact without the header is recorded beside it",
  bounds: { delayMs: EVENT_BOUND_MS, observeMs: EVENT_OBSERVE_MS, eventsCount: COUNT },
  figure: { unit: "ms", label: "median delay through nginx", bound: "delayMs" },
  calibration: {
    "lets-proxies-buffer": /^through nginx, (no response head within 3000 ms|not every event within 3000 ms|\d of 5 events later than 50 ms)/,
  },
  timeoutMs: 30_000,
  // Alone, as the other flush bounds: its 50 ms is the neighbours' figure when servers start beside it.
  exclusive: true,
  async run(ctx) {
    const missing = missingDebianPackages(["nginx"]);
    if (missing.length) return skip(missingPackagesReason(missing));
    const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0" } });
    const nginx = await setUpStep("starting nginx", startNginx(server.port));
    ctx.defer(() => nginx.stop());
    const clients: RawSseClient[] = [];
    ctx.defer(() => clients.forEach((c) => c.closeRst()));
    const outcome = await throughProxy(server, nginx.port, server.streamPath("/events"), (c) => clients.push(c), EVENT_OBSERVE_MS);
    // The fact beside it, watched for less: what it shows is whether nginx holds the stream at all.
    const fact = await throughProxy(server, nginx.port, server.streamPath("/events?mitigations=0"), (c) => clients.push(c), FACT_OBSERVE_MS);
    // A buffering proxy holds every event back; one late event among prompt ones is the machine's
    // (node once took 54.7 ms for the first of five, 2.7-3.1 ms for the rest: 2026-12-01), so lateness
    // takes a majority of the events, while a lost event fails at once.
    const delays = outcome.delays;
    const arrived = ascending(delays?.filter((d): d is number => d !== null) ?? []);
    const median = arrived.length === COUNT ? percentile(arrived, 50) : null;
    const late = arrived.filter((d) => d > EVENT_BOUND_MS).length;
    const figure = median === null ? censored(EVENT_OBSERVE_MS) : measured(median);
    const evidence = { outcome, fact, nginxStderr: nginx.stderr.slice(0, 2000), proxy: "nginx with its defaults: proxy_pass only (HTTP/1.0 upstream, proxy_buffering on)" };
    const factSaid = `; without X-Accel-Buffering (mitigations=0): ${describe(fact)}`;
    const header = `X-Accel-Buffering ${JSON.stringify(outcome.accelBuffering)}`;
    if (outcome.status === null) return fail(`through nginx, no response head within ${EVENT_OBSERVE_MS} ms${factSaid}`, figure, evidence);
    if (outcome.status !== 200) return fail(`through nginx, status ${outcome.status}${factSaid}`, figure, evidence);
    if (median === null) return fail(`through nginx, not every event within ${EVENT_OBSERVE_MS} ms (${describe(outcome)}; ${header})${factSaid}`, figure, evidence);
    if (late > COUNT / 2) return fail(`through nginx, ${late} of ${COUNT} events later than ${EVENT_BOUND_MS} ms (median ${median} ms; ${header})${factSaid}`, figure, evidence);
    const minority = late ? `, ${late} of ${COUNT} later (worst ${arrived.at(-1)} ms)` : `, worst ${arrived.at(-1)} ms`;
    return pass(`through nginx ${COUNT - late} of ${COUNT} events within ${EVENT_BOUND_MS} ms (median ${median} ms${minority}; ${header})${factSaid}`, figure, evidence);
  },
};
