/**
 * When a waiting reader gets the bytes published for it: in a microtask, so that an event leaves in
 * the turn of the event loop that published it, but at most one such flush per turn.
 */
import type { Subscriber } from "./subscriber-queue.ts";

export class FlushScheduler {
  /** Subscribers whose waiting reader gets the bytes published for them at the next flush. */
  private ready: Subscriber[] = [];
  /** A flush ran in this turn: the next waits for the turn's end (schedule). */
  private flushedInTurn = false;

  /**
   * Hands `sub`'s bytes to its waiting reader in a microtask, so that an event leaves in the turn of
   * the event loop that published it; but one such flush per turn at most: what the same turn
   * publishes after it waits for the turn's end (a timer), so that a server behind on its work
   * writes once per client per turn however many publishes it is catching up on. On Node, flushing
   * every publish at once kept the node target at p50 126-145 ms where the raw ceiling had 11 ms
   * (1,000 clients x 100 publishes/s, bench --quick, 2026-12-01); flushing only at the turn's end
   * delayed HTTP/2 streams instead: on Deno 2.9.6 the first event on a session shared with its
   * publish request by 42-46 ms, on Bun 1.4.5 everything (below).
   */
  schedule(sub: Subscriber): void {
    if (this.ready.push(sub) > 1 || this.flushedInTurn) return;
    queueMicrotask(() => this.flushReady());
  }

  private flushReady(): void {
    const ready = this.ready;
    this.ready = [];
    for (const sub of ready) sub.flushIfWaiting();
    if (this.flushedInTurn) return;
    this.flushedInTurn = true;
    // A timer, not setImmediate: Bun 1.4.5's HTTP/2 (Bun.serve http2: true) leaves what a
    // setImmediate callback enqueues unsent until its next I/O (145-252 ms in a probe, 2026-12-01).
    setTimeout(() => {
      this.flushedInTurn = false;
      if (this.ready.length > 0) this.flushReady();
    }, 0);
  }
}
