/**
 * Open-loop publishing: POST /control/publish at fixed ticks, whatever the server's answers, so a slow
 * server shows as latency instead of slowing the load down. Each event's data carries its sending
 * time (coordinator clock, µs) and the step it belongs to (bench/sse-stream-reader.ts parses them).
 */
import { delay } from "../suite/harness/wait.ts";
import type { BenchServer } from "./bench-server.ts";
import { benchPayload } from "./sse-stream-reader.ts";

export interface PublishPlan {
  step: number;
  /** Events per second, to every client. */
  eventsPerSecond: number;
  tickMs: number;
  durationMs: number;
  eventBytes: number;
  /** Publish requests waiting for an answer at most; a tick that finds more is skipped (overload). */
  maxInFlight?: number;
}

export interface PublishOutcome {
  /** Events the server confirmed publishing. */
  published: number;
  /** Events of ticks skipped because too many requests were unanswered. */
  skipped: number;
  failedRequests: number;
  firstSentAt: number;
  lastSentAt: number;
}

export async function publishSteady(server: BenchServer, plan: PublishPlan): Promise<PublishOutcome> {
  const ticks = Math.max(1, Math.round(plan.durationMs / plan.tickMs));
  const perTick = (plan.eventsPerSecond * plan.tickMs) / 1000;
  const maxInFlight = plan.maxInFlight ?? 8;
  const outcome: PublishOutcome = { published: 0, skipped: 0, failedRequests: 0, firstSentAt: NaN, lastSentAt: NaN };
  const inFlight = new Set<Promise<void>>();
  const startedAt = performance.now();
  for (let i = 0; i < ticks; i++) {
    const due = startedAt + i * plan.tickMs;
    const wait = due - performance.now();
    // Spacing the ticks the plan prescribes; nothing waits on a result here.
    if (wait > 0) await delay(wait);
    const count = Math.floor((i + 1) * perTick) - Math.floor(i * perTick);
    if (count === 0) continue;
    if (inFlight.size >= maxInFlight) {
      outcome.skipped += count;
      continue;
    }
    const sentAt = performance.now();
    if (Number.isNaN(outcome.firstSentAt)) outcome.firstSentAt = sentAt;
    outcome.lastSentAt = sentAt;
    const request = server
      .request("POST", "/control/publish", { data: benchPayload(sentAt * 1000, plan.step, plan.eventBytes), count })
      .then(
        () => void (outcome.published += count),
        () => void outcome.failedRequests++,
      )
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  // Each request is bounded by its own timeout.
  await Promise.all(inFlight);
  return outcome;
}
