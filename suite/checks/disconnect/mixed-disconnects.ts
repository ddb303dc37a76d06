/**
 * disconnect.quiet's disconnects: the variants it cycles through, bringing one stream to its moment
 * and closing it, and placing what the server printed on stderr after the disconnect that caused it.
 */
import { openStream, publish } from "../../harness/control.ts";
import type { ServerProcess } from "../../harness/server-process.ts";
import { round } from "../../harness/wait.ts";
import { close, type Close } from "../lib/server-output.ts";

type QuietMoment = "idle" | "writing" | "before-first-event";
export const QUIET_VARIANTS: { close: Close; moment: QuietMoment }[] = [
  { close: "fin", moment: "idle" },
  { close: "rst", moment: "idle" },
  { close: "fin", moment: "writing" },
  { close: "rst", moment: "writing" },
  { close: "fin", moment: "before-first-event" },
  { close: "rst", moment: "before-first-event" },
];

export interface Disconnect {
  n: number;
  variant: string;
  sub: number;
  closedAt: number;
  server: ServerProcess;
}

/**
 * Brings a stream to the moment of the variant and closes it: `writing` on a server that writes every
 * 20 ms, after the first event; `idle` after one event published on demand, the next one far away;
 * `before-first-event` as soon as the headers are in.
 */
export async function disconnectOnce(n: number, servers: { idle: ServerProcess; writing: ServerProcess }): Promise<Disconnect> {
  const variant = QUIET_VARIANTS[n % QUIET_VARIANTS.length]!;
  const server = variant.moment === "writing" ? servers.writing : servers.idle;
  const { client, sub } = await openStream(server);
  if (variant.moment === "before-first-event") {
    await client.waitForHead(3000);
  } else if (variant.moment === "idle") {
    await client.waitForHead(3000);
    await publish(server, { event: "quiet", data: `disconnect ${n}` });
    await client.waitForEvent((e) => e.event === "quiet", 3000, "the published event");
  } else {
    await client.waitForEvent(() => true, 3000, "first produced event");
  }
  return { n, variant: `${variant.close}/${variant.moment}`, sub, closedAt: close(client, variant.close), server };
}

/** Where each stderr chunk came, relative to the last disconnect before it: which kind of close makes the noise. */
export function locateStderr(server: ServerProcess, disconnects: Disconnect[]): { afterDisconnect: string; ms: number; text: string }[] {
  return server.stderrChunks.slice(0, 10).map((chunk) => {
    const before = disconnects.filter((d) => d.server === server && d.closedAt <= chunk.at).at(-1);
    return {
      afterDisconnect: before ? `#${before.n} ${before.variant}` : "none (before the first)",
      ms: before ? round(chunk.at - before.closedAt) : 0,
      text: chunk.text.slice(0, 300),
    };
  });
}
