/** The load client's parser (bench/sse-stream-reader.ts): which bytes count as a bench event. */
import { describe, expect, test } from "vitest";
import { SseStreamReader } from "../../bench/sse-stream-reader.ts";

function eventsOf(body: string): [number, number][] {
  const events: [number, number][] = [];
  const reader = new SseStreamReader({ onHead: () => {}, onFirstBody: () => {}, onEvent: (sent, step) => events.push([sent, step]), onEnd: () => {} });
  reader.feed(Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n${body}`), 0);
  return events;
}

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
});
