/**
 * Server-Sent Events encoding, as the WHATWG HTML standard parses it
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream).
 *
 * A parser ends a line at CRLF, lone CR or lone LF, so any of the three inside a value would start a
 * new field: an attacker-controlled `data` could forge `event:` or `id:` lines. Data is therefore
 * split at every line break into several `data:` lines (the parser joins them back with LF), while an
 * event name, id or comment containing a line break is refused: it has no faithful encoding.
 *
 * Worked example:
 *
 *   encodeEvent({ id: "7", event: "progress", data: "a\r\nb" })
 *   // => "id: 7\nevent: progress\ndata: a\ndata: b\n\n"
 */

export interface SseEvent {
  /** Becomes the client's `lastEventId`; no CR, LF or NUL. */
  id?: string;
  /** Event type for `addEventListener`; no CR or LF. Omitted: "message". */
  event?: string;
  /** Payload; line breaks of any kind are allowed and arrive as LF. */
  data: string;
  /** Reconnection delay the client should use, ms. */
  retry?: number;
}

export class SseEncodingError extends Error {
  override name = "SseEncodingError";
}

const LINE_BREAK = /\r\n|\r|\n/;
const utf8 = new TextEncoder();

function assertSingleLine(field: string, value: string): void {
  if (/[\r\n]/.test(value)) {
    throw new SseEncodingError(`SSE ${field} must not contain CR or LF: ${JSON.stringify(value)}`);
  }
}

/** Encodes one event as text, ending with the blank line that dispatches it. */
export function formatEvent(ev: SseEvent): string {
  let out = "";
  if (ev.id !== undefined) {
    assertSingleLine("id", ev.id);
    // The spec ignores an id field that contains NUL, so the client would keep the previous id.
    if (ev.id.includes("\0")) throw new SseEncodingError("SSE id must not contain NUL");
    out += `id: ${ev.id}\n`;
  }
  if (ev.event !== undefined) {
    assertSingleLine("event", ev.event);
    out += `event: ${ev.event}\n`;
  }
  if (ev.retry !== undefined) out += formatRetry(ev.retry);
  for (const line of ev.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out + "\n";
}

/** A `retry:` field; the spec accepts only ASCII digits. */
export function formatRetry(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new SseEncodingError(`SSE retry must be a non-negative integer, got ${ms}`);
  }
  return `retry: ${ms}\n`;
}

/** A comment line: ignored by parsers, used as a heartbeat. */
export function formatComment(text = ""): string {
  assertSingleLine("comment", text);
  return text === "" ? ":\n" : `: ${text}\n`;
}

export function encodeEvent(ev: SseEvent): Uint8Array {
  return utf8.encode(formatEvent(ev));
}

export function encodeText(text: string): Uint8Array {
  return utf8.encode(text);
}
