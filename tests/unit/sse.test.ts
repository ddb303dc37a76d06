import { describe, expect, test } from "vitest";
import { encodeEvent, encodeText, formatComment, formatEvent, formatRetry, SseEncodingError } from "../../src/sse.ts";
import { parseSse } from "./helpers.ts";

const LINE_BREAKS = [
  ["LF", "\n"],
  ["CR", "\r"],
  ["CRLF", "\r\n"],
] as const;

describe("data", () => {
  test.each(LINE_BREAKS)("a %s inside data starts a new data: line", (_name, br) => {
    expect(formatEvent({ data: `one${br}two${br}three` })).toBe("data: one\ndata: two\ndata: three\n\n");
  });

  test.each(LINE_BREAKS)("data with a %s reads back at a spec-conformant parser as one event joined by LF", (_name, br) => {
    const parsed = parseSse(formatEvent({ id: "1", event: "message", data: `one${br}two${br}three` }));
    expect(parsed.events).toEqual([{ id: "1", event: "message", data: "one\ntwo\nthree" }]);
  });

  test("data that tries to forge id and event fields stays data", () => {
    const hostile = "x\r\nevent: admin\rid: 999\n\ndata: second";
    const parsed = parseSse(formatEvent({ id: "5", event: "progress", data: hostile }));
    expect(parsed.events).toEqual([
      { id: "5", event: "progress", data: "x\nevent: admin\nid: 999\n\ndata: second" },
    ]);
  });

  test("mixed line breaks each count once (CRLF is one break, not two)", () => {
    expect(formatEvent({ data: "a\r\nb\rc\nd" })).toBe("data: a\ndata: b\ndata: c\ndata: d\n\n");
  });

  test("consecutive line breaks keep the empty lines between them", () => {
    const encoded = formatEvent({ data: "a\n\nb" });
    expect(encoded).toBe("data: a\ndata: \ndata: b\n\n");
    expect(parseSse(encoded).events[0]!.data).toBe("a\n\nb");
  });

  test("a trailing line break survives the round trip", () => {
    expect(parseSse(formatEvent({ data: "a\r\n" })).events[0]!.data).toBe("a\n");
  });

  test("empty data is one empty data: line and still dispatches an event with empty data", () => {
    const encoded = formatEvent({ data: "" });
    expect(encoded).toBe("data: \n\n");
    expect(parseSse(encoded).events).toEqual([{ id: undefined, event: undefined, data: "" }]);
  });

  test("data beginning with a space keeps that space (the field separator adds its own)", () => {
    expect(parseSse(formatEvent({ data: " indented" })).events[0]!.data).toBe(" indented");
  });

  test("data containing a colon is not mistaken for a field name", () => {
    expect(parseSse(formatEvent({ data: "retry: 5\nid: 3" })).events).toEqual([
      { id: undefined, event: undefined, data: "retry: 5\nid: 3" },
    ]);
  });
});

describe("event name", () => {
  test.each(LINE_BREAKS)("a %s inside an event name is refused with SseEncodingError", (_name, br) => {
    expect(() => formatEvent({ event: `progress${br}id: 9`, data: "x" })).toThrow(SseEncodingError);
  });

  test("the refusal names the field", () => {
    expect(() => formatEvent({ event: "a\nb", data: "x" })).toThrow(/event must not contain CR or LF/);
  });

  test("an event name is written as an event: field and read back as the event type", () => {
    expect(parseSse(formatEvent({ event: "progress", data: "x" })).events[0]!.event).toBe("progress");
  });
});

describe("id", () => {
  test.each(LINE_BREAKS)("a %s inside an id is refused with SseEncodingError", (_name, br) => {
    expect(() => formatEvent({ id: `1${br}event: admin`, data: "x" })).toThrow(SseEncodingError);
  });

  test("a NUL inside an id is refused with SseEncodingError", () => {
    expect(() => formatEvent({ id: "1\u00002", data: "x" })).toThrow(SseEncodingError);
  });

  test("NUL is allowed in data, where the spec does not ignore it", () => {
    expect(parseSse(formatEvent({ data: "a\u0000b" })).events[0]!.data).toBe("a\u0000b");
  });

  test("an id is read back as the event's id", () => {
    expect(parseSse(formatEvent({ id: "42", data: "x" })).events[0]!.id).toBe("42");
  });
});

describe("retry", () => {
  test("retry is written as a retry: line of ASCII digits", () => {
    expect(formatRetry(2000)).toBe("retry: 2000\n");
  });

  test("retry 0 is allowed", () => {
    expect(formatRetry(0)).toBe("retry: 0\n");
  });

  test.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])("retry %s is refused with SseEncodingError", (ms) => {
    expect(() => formatRetry(ms)).toThrow(SseEncodingError);
  });

  test("a retry on an event is read back by the parser as the reconnection delay", () => {
    const parsed = parseSse(formatEvent({ data: "x", retry: 1500 }));
    expect(parsed.retries).toEqual([1500]);
    expect(parsed.events).toHaveLength(1);
  });

  test("a negative retry on an event is refused", () => {
    expect(() => formatEvent({ data: "x", retry: -5 })).toThrow(SseEncodingError);
  });
});

describe("comments", () => {
  test("a comment is a line starting with a colon", () => {
    expect(formatComment("heartbeat")).toBe(": heartbeat\n");
  });

  test("an empty comment is a lone colon", () => {
    expect(formatComment()).toBe(":\n");
  });

  test.each(LINE_BREAKS)("a %s inside a comment is refused with SseEncodingError", (_name, br) => {
    expect(() => formatComment(`beat${br}data: forged`)).toThrow(SseEncodingError);
  });

  test("a comment dispatches no event at a parser", () => {
    const parsed = parseSse(formatComment("heartbeat") + "\n");
    expect(parsed.events).toEqual([]);
    expect(parsed.comments).toEqual(["heartbeat"]);
  });
});

describe("encoding", () => {
  test("the worked example in the module's doc comment holds", () => {
    expect(formatEvent({ id: "7", event: "progress", data: "a\r\nb" })).toBe("id: 7\nevent: progress\ndata: a\ndata: b\n\n");
  });

  test("fields are written in the order id, event, retry, data", () => {
    expect(formatEvent({ data: "d", retry: 10, event: "e", id: "1" })).toBe("id: 1\nevent: e\nretry: 10\ndata: d\n\n");
  });

  test("encodeEvent returns the UTF-8 bytes of formatEvent", () => {
    const ev = { id: "3", event: "progress", data: "x\ny" };
    expect(encodeEvent(ev)).toEqual(new TextEncoder().encode(formatEvent(ev)));
  });

  test("multi-byte text (accents, CJK, emoji) is encoded as UTF-8", () => {
    const bytes = encodeEvent({ data: "é漢😀" });
    const expected = Uint8Array.from([
      ...[0x64, 0x61, 0x74, 0x61, 0x3a, 0x20], // "data: "
      ...[0xc3, 0xa9], // é
      ...[0xe6, 0xbc, 0xa2], // 漢
      ...[0xf0, 0x9f, 0x98, 0x80], // 😀
      0x0a,
      0x0a,
    ]);
    expect(bytes).toEqual(expected);
  });

  test("multi-byte text round-trips through a parser", () => {
    expect(parseSse(encodeEvent({ event: "über", data: "héllo 世界 🎉" })).events).toEqual([
      { id: undefined, event: "über", data: "héllo 世界 🎉" },
    ]);
  });

  test("encodeText encodes as UTF-8", () => {
    expect(encodeText("€")).toEqual(Uint8Array.from([0xe2, 0x82, 0xac]));
  });

  test("several encoded events in a row parse back as separate events", () => {
    const stream = formatEvent({ id: "1", data: "a" }) + formatComment("hb") + "\n" + formatEvent({ id: "2", data: "b\nc" });
    expect(parseSse(stream).events).toEqual([
      { id: "1", event: undefined, data: "a" },
      { id: "2", event: undefined, data: "b\nc" },
    ]);
  });
});
