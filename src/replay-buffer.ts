/**
 * The replay buffer: the latest events, kept for clients that reconnect with `Last-Event-ID`, bounded
 * both in events and in bytes. Ids are consecutive, so the buffer is a ring in which the event with
 * id n sits at a computable place.
 */

export type ReplayOutcome =
  | { kind: "none" }
  | { kind: "replayed"; from: number; count: number }
  | { kind: "partial"; from: number; count: number; missing: number }
  | { kind: "ignored"; reason: "garbage" | "unknown" };

const LAST_EVENT_ID = /^[0-9]{1,15}$/;

interface Retained {
  id: number;
  bytes: Uint8Array;
}

export class ReplayBuffer {
  /** Events kept; 0 keeps none. */
  readonly limit: number;
  /** Bytes kept; the oldest events go first (the newest one always stays). */
  readonly limitBytes: number;
  private readonly history: (Retained | undefined)[];
  /** The oldest id still in the buffer, and the bytes the buffer holds. */
  private oldestRetained = 1;
  private retainedBytes = 0;

  constructor(limit: number, limitBytes: number) {
    this.limit = limit;
    this.limitBytes = limitBytes;
    this.history = new Array(limit);
  }

  /** Events the buffer holds, `lastId` being the last id published. */
  count(lastId: number): number {
    return lastId - this.oldestRetained + 1;
  }

  get bytes(): number {
    return this.retainedBytes;
  }

  /** The encoded event `id`, one of those a replay outcome names (so still retained). */
  bytesOf(id: number): Uint8Array {
    return this.history[id % this.limit]!.bytes;
  }

  /** What a reconnect with `lastEventId` is owed, `lastId` being the last id published. */
  replayFor(lastEventId: string | null | undefined, lastId: number): ReplayOutcome {
    if (lastEventId === undefined || lastEventId === null || lastEventId === "") return { kind: "none" };
    if (!LAST_EVENT_ID.test(lastEventId)) return { kind: "ignored", reason: "garbage" };
    const seen = Number(lastEventId);
    if (seen > lastId) return { kind: "ignored", reason: "unknown" };
    if (seen === lastId) return { kind: "none" };
    const from = Math.max(seen + 1, this.oldestRetained);
    const count = lastId - from + 1;
    const missing = from - (seen + 1);
    return missing > 0 ? { kind: "partial", from, count, missing } : { kind: "replayed", from, count };
  }

  /** Keeps an event for replay within both bounds (count and bytes), dropping the oldest first. */
  retain(id: number, bytes: Uint8Array): void {
    if (this.limit === 0) {
      this.oldestRetained = id + 1;
      return;
    }
    const slot = id % this.limit;
    const overwritten = this.history[slot];
    if (overwritten) {
      this.retainedBytes -= overwritten.bytes.byteLength;
      this.oldestRetained = Math.max(this.oldestRetained, overwritten.id + 1);
    }
    this.history[slot] = { id, bytes };
    this.retainedBytes += bytes.byteLength;
    while (this.retainedBytes > this.limitBytes && this.oldestRetained < id) {
      const oldestSlot = this.oldestRetained % this.limit;
      this.retainedBytes -= this.history[oldestSlot]!.bytes.byteLength;
      this.history[oldestSlot] = undefined;
      this.oldestRetained++;
    }
  }
}
