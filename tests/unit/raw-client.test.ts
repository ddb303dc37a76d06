/**
 * The raw-socket client reads chunked bodies as llhttp and browsers do: an event is delivered as soon
 * as its bytes are in, even while the chunk's closing CRLF is still to come; a late CRLF is recorded.
 */
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { RawSseClient } from "../../suite/harness/raw-client.ts";

const HEAD = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

/** A server that hands each accepted socket to `serve`, and the client connected to it. */
async function pair(): Promise<{ server: Socket; client: RawSseClient }> {
  let accepted!: (socket: Socket) => void;
  const socket = new Promise<Socket>((resolve) => (accepted = resolve));
  const listener = createServer((s) => accepted(s));
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const client = await RawSseClient.open((listener.address() as AddressInfo).port);
  const server = await socket;
  cleanup.push(() => client.socket.destroy(), () => server.destroy(), () => listener.close());
  return { server, client };
}

describe("the raw-socket client", () => {
  test("delivers an event whose chunk's CRLF has not arrived yet", async () => {
    const { server, client } = await pair();
    server.write(HEAD + "9\r\ndata: 1\n\n");
    const event = await client.waitForEvent((e) => e.data === "1", 2000);
    expect(event.data).toBe("1");
    expect(client.lateChunkEnds).toEqual([]);
  });

  test("records a chunk's CRLF that comes with the next chunk", async () => {
    const { server, client } = await pair();
    server.write(HEAD + "9\r\ndata: 1\n\n");
    await client.waitForEvent((e) => e.data === "1", 2000);
    server.write("\r\n9\r\ndata: 2\n\n\r\n");
    await client.waitForEvent((e) => e.data === "2", 2000);
    expect(client.lateChunkEnds).toHaveLength(1);
    expect(client.events.map((e) => e.data)).toEqual(["1", "2"]);
  });

  test("delivers the part of a chunk that has arrived", async () => {
    const { server, client } = await pair();
    server.write(HEAD + "12\r\ndata: a\n\ndata: b");
    await client.waitForEvent((e) => e.data === "a", 2000);
    server.write("\n\n\r\n");
    await client.waitForEvent((e) => e.data === "b", 2000);
    expect(client.events.map((e) => e.data)).toEqual(["a", "b"]);
  });

  test("sees the last chunk of a chunked body", async () => {
    const { server, client } = await pair();
    server.end(HEAD + "9\r\ndata: 1\n\n\r\n0\r\n\r\n");
    const end = await client.waitForEnd(2000);
    expect(end.lastChunk).toBe(true);
  });
});
