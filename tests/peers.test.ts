/**
 * The bench's peers (bench/peers/: the code users write instead of the dispatcher), each on each
 * runtime it runs on, speak the bench's surface as the ceilings do: a readiness line, a stream that
 * opens with its `retry:` bytes, published events on it in order, the subscribed and unsubscribed
 * reports, a full GC and the stats. No figure is asserted: the bench measures them.
 */
import { afterEach, describe, expect, test } from "vitest";
import { BENCH_ENV } from "../bench/bench-server.ts";
import { PEERS, peerTarget } from "../bench/subjects.ts";
import { collectGarbage, openStream, publish, stats } from "../suite/harness/control.ts";
import { startServer, type ServerProcess } from "../suite/harness/server-process.ts";
import type { RuntimeName } from "../suite/targets/runtime-versions.ts";

let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe.each(PEERS.flatMap((peer) => (Object.keys(peer.servers) as RuntimeName[]).map((runtime) => ({ peer, runtime }))))("peer $peer.name on $runtime", ({ peer, runtime }) => {
  test("streams published events in order, reports the subscriber coming and going, and answers gc and stats", async () => {
    server = await startServer(peerTarget(peer, runtime), { env: BENCH_ENV, readyTimeoutMs: 30_000 });
    const { client, sub } = await openStream(server, { path: "/events" });
    await client.waitUntil(() => client.retries.length > 0, 5000, "the opening retry: field");
    const { id } = await publish(server, { data: "t=1;s=1;peer", count: 3 });
    await client.waitForEvent((e) => e.id === String(id), 5000, "the last published event");
    expect(client.events.map((e) => [e.id, e.data])).toEqual([String(id - 2), String(id - 1), String(id)].map((n) => [n, "t=1;s=1;peer"]));
    expect((await stats(server)).subscribers).toBe(1);

    const gone = server.nextRecord((r) => r.type === "unsubscribed" && r.sub === sub, 5000, "the unsubscribed report");
    client.closeFin();
    await gone;
    expect((await stats(server)).subscribers).toBe(0);
    expect((await collectGarbage(server)).collected).toBe(true);
  });
});
