/**
 * h2.* (group H): the stream over HTTP/2 over TLS (a self-signed certificate made per run), where a
 * target can serve it (capability `http2`): node:http2's `createSecureServer` (through
 * @hono/node-server, or srvx for Elysia on Node), Deno.serve with a certificate, Bun.serve with
 * `http2: true` (experimental, oven-sh/bun#40137); HTTP/2 chosen by ALPN. Others skip, naming the
 * capability. Over HTTP/2 a client ends
 * one stream with RST_STREAM and keeps the connection; there is no FIN to see.
 */
import { censored, fail, measured, pass, skip, type Verdict } from "../model/results.ts";
import { type Check, type CheckContext, setUpStep } from "../harness/check.ts";
import { missingDebianPackages, missingPackagesReason } from "../targets/debian-packages.ts";
import { H2SseClient } from "../harness/h2-client.ts";
import type { ServerProcess } from "../harness/server-process.ts";
import { selfSignedCertificate } from "../harness/tls.ts";
import { round } from "../harness/wait.ts";
import { timeScheduledEvents } from "./lib/scheduled-events.ts";

const HEAD_OBSERVE_MS = 3000;
const EVENT_BOUND_MS = 30;
const EVENT_OBSERVE_MS = 3000;
const COUNT = 5;
const SPACING_MS = 100;
const DISCONNECT_BOUND_MS = 1000;

const NEEDS: Check["needs"] = ["records", "control", "http2"];

async function startH2(ctx: CheckContext): Promise<{ server: ServerProcess; client: H2SseClient; sub: number } | Verdict> {
  const missing = missingDebianPackages(["openssl"]);
  if (missing.length) return skip(missingPackagesReason(missing));
  const cert = await setUpStep("making a self-signed certificate", Promise.resolve().then(selfSignedCertificate));
  const server = await ctx.start({ env: { SSE_PRODUCER_MS: "0", SSE_TLS_CERT: cert.certFile, SSE_TLS_KEY: cert.keyFile } });
  const subscribed = server.nextRecord((r) => r.type === "subscribed", 5000, "subscribed record");
  subscribed.catch(() => {});
  const client = await H2SseClient.open(server.port, cert.pem, server.streamPath("/events"));
  ctx.defer(() => client.close());
  const record = await subscribed;
  await client.waitUntil(() => client.headers !== undefined || client.end !== undefined, HEAD_OBSERVE_MS, "the response headers");
  return { server, client, sub: Number(record.sub) };
}

export const h2Headers: Check = {
  id: "h2.headers",
  group: "H",
  kind: "outcome",
  needs: NEEDS,
  passes: "over HTTP/2: status 200, `Content-Type: text/event-stream`, no `content-length`",
  bounds: { headMs: HEAD_OBSERVE_MS },
  calibration: {
    "declares-content-length": /content-length 1048576/,
  },
  timeoutMs: 20_000,
  async run(ctx) {
    const started = await startH2(ctx);
    if ("status" in started) return started;
    const { client } = started;
    const h = client.headers ?? {};
    const evidence = { protocol: client.protocol, headers: h };
    const problems = [
      Number(h[":status"]) === 200 ? "" : `status ${String(h[":status"] ?? "none")}`,
      String(h["content-type"] ?? "").split(";")[0]!.trim().toLowerCase() === "text/event-stream" ? "" : `Content-Type ${JSON.stringify(h["content-type"] ?? null)}`,
      h["content-length"] === undefined ? "" : `content-length ${String(h["content-length"])}`,
      client.protocol === "h2" ? "" : `ALPN chose ${String(client.protocol)}, not h2`,
    ].filter(Boolean);
    if (problems.length) return fail(`over HTTP/2: ${problems.join("; ")}`, undefined, evidence);
    return pass(`over HTTP/2 (ALPN h2): status 200, Content-Type ${String(h["content-type"])}, no content-length`, undefined, evidence);
  },
};

export const h2Flush: Check = {
  id: "h2.flush",
  group: "H",
  kind: "outcome",
  needs: NEEDS,
  passes: "over HTTP/2, 5 events published 100 ms apart each reach the client within 30 ms",
  bounds: { delayMs: EVENT_BOUND_MS, observeMs: EVENT_OBSERVE_MS, eventsCount: COUNT },
  figure: { unit: "ms", label: "worst delay over HTTP/2", bound: "delayMs" },
  calibration: {
    "buffers-events": /^over HTTP\/2, (later than 30 ms|\d of 5 events not within)/,
  },
  timeoutMs: 20_000,
  // Alone, as flush.per-event: a 30 ms bound is the neighbours' figure when servers start beside it.
  exclusive: true,
  async run(ctx) {
    const started = await startH2(ctx);
    if ("status" in started) return started;
    const { client } = started;
    const warmUp = await client.publish({ event: "warm-up", data: "warm-up" });
    await setUpStep("warm-up", client.waitUntil(() => client.events.some((e) => e.id === String(warmUp.id)), EVENT_OBSERVE_MS, "the warm-up event"));
    const schedule = { count: COUNT, spacingMs: SPACING_MS, observeMs: EVENT_OBSERVE_MS };
    const { delays } = await timeScheduledEvents(client, schedule, (i) => client.publish({ event: "timed", data: `h2 ${i}` }));
    const missing = delays.filter((d) => d === null).length;
    const late = delays.filter((d): d is number => d !== null && d > EVENT_BOUND_MS);
    const figure = missing ? censored(EVENT_OBSERVE_MS) : measured(Math.max(...(delays as number[])));
    const evidence = { protocol: client.protocol, delaysMs: delays, measuredFrom: "the sending of each publish request, on the same HTTP/2 session" };
    if (missing) return fail(`over HTTP/2, ${missing} of ${COUNT} events not within ${EVENT_OBSERVE_MS} ms of the last publication`, figure, evidence);
    if (late.length) return fail(`over HTTP/2, later than ${EVENT_BOUND_MS} ms after publication: ${late.join(", ")} ms`, figure, evidence);
    return pass(`over HTTP/2 every event within ${EVENT_BOUND_MS} ms (worst ${figure.value} ms)`, figure, evidence);
  },
};

export const h2Disconnect: Check = {
  id: "h2.disconnect",
  group: "H",
  kind: "outcome",
  needs: NEEDS,
  passes: "over HTTP/2, the client's RST_STREAM reaches the request's signal or the stream's `cancel()` within 1 s",
  bounds: { noticeMs: DISCONNECT_BOUND_MS },
  figure: { unit: "ms", label: "RST_STREAM noticed", bound: "noticeMs" },
  calibration: {
    "never-notices-disconnect": /neither the signal nor cancel\(\) fired within 1000 ms of RST_STREAM/,
  },
  timeoutMs: 20_000,
  async run(ctx) {
    const started = await startH2(ctx);
    if ("status" in started) return started;
    const { server, client, sub } = started;
    const first = await client.publish({ event: "open", data: "1" });
    await client.waitUntil(() => client.events.some((e) => e.id === String(first.id)), EVENT_OBSERVE_MS, "the first event");
    const resetAt = client.cancel();
    const noticed = await server
      .waitForRecord((r) => r.sub === sub && (r.type === "signal-aborted" || r.type === "stream-cancelled"), DISCONNECT_BOUND_MS, "the signal or cancel()")
      .catch(() => undefined);
    const seen = server.records.filter((r) => r.sub === sub && r.type !== "subscribed").map((r) => ({ type: r.type, msAfterReset: round(r.at - resetAt) }));
    const evidence = { protocol: client.protocol, serverSaid: seen };
    if (!noticed) return fail(`neither the signal nor cancel() fired within ${DISCONNECT_BOUND_MS} ms of RST_STREAM`, censored(DISCONNECT_BOUND_MS), evidence);
    const ms = round(noticed.at - resetAt);
    return pass(`${noticed.type} ${ms} ms after RST_STREAM`, measured(ms), evidence);
  },
};
