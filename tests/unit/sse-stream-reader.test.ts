/** The load client's parser (bench/sse-stream-reader.ts): which bytes count as a bench event. */
import { describe, expect, test } from "vitest";
import { SseStreamReader } from "../../bench/sse-stream-reader.ts";

/** The runs the reader reports for a response whose body arrives in `reads`: [sent, step, count]. */
function runsOf(...reads: string[]): [number, number, number][] {
  const runs: [number, number, number][] = [];
  const reader = new SseStreamReader({ onHead: () => {}, onFirstBody: () => {}, onEvents: (sent, step, _at, count) => runs.push([sent, step, count]), onEnd: () => {} });
  reader.feed(Buffer.from("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n"), 0);
  for (const read of reads) reader.feed(Buffer.from(read), 0);
  return runs;
}

const eventsOf = (body: string): [number, number][] => runsOf(body).flatMap(([sent, step, count]) => Array.from({ length: count }, (): [number, number] => [sent, step]));

describe("the load client's reader", () => {
  test("times an event by its data line, with or without the space after the colon", () => {
    expect(eventsOf("data: t=5;s=2;xx\n\nevent:message\nid:7\ndata:t=6;s=2;xx\n\n")).toEqual([
      [5, 2],
      [6, 2],
    ]);
  });

  test("ignores what is not a bench event: the opening retry, comments, other data", () => {
    expect(eventsOf("retry: 2000\n\n: heartbeat\n\ndata: hello\n\n")).toEqual([]);
  });

  test("reports events of the same sending time and step that arrive together as one run", () => {
    expect(runsOf("id: 1\ndata: t=5;s=2;x\n\nid: 2\ndata: t=5;s=2;x\n\nid: 3\ndata: t=6;s=2;x\n\n")).toEqual([
      [5, 2, 2],
      [6, 2, 1],
    ]);
  });

  test("a run ends with its read: an event split between reads counts in the read that completes it", () => {
    expect(runsOf("data: t=5;s=2;x\n\ndata: t=5;s=", "2;x\n\n")).toEqual([
      [5, 2, 1],
      [5, 2, 1],
    ]);
  });
});
