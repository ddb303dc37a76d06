/**
 * The demo's content generator: a `progress` event every `intervalMs` while anyone listens, and no
 * timer at all while nobody does (the seed's ContentGenerator, without producing into the void).
 */
import type { EventDispatcher } from "./dispatcher.ts";
import type { Observer } from "./observations.ts";

export interface ProgressEvent {
  progress: number;
  runtime: string;
  pid: number;
}

export function startProducer(
  dispatcher: EventDispatcher,
  intervalMs: number,
  origin: { runtime: string; pid: number },
  observe: Observer,
): () => void {
  if (intervalMs <= 0) return () => {};
  let progress = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  const tick = () => {
    if (dispatcher.isClosed) return stop();
    const event: ProgressEvent = { progress: ++progress, runtime: origin.runtime, pid: origin.pid };
    dispatcher.publish({ event: "progress", data: JSON.stringify(event) });
  };
  const stop = () => {
    if (timer === undefined) return;
    clearInterval(timer);
    timer = undefined;
    observe("producer-stopped", { progress });
  };

  const unlisten = dispatcher.onSubscriberCount((count) => {
    if (count > 0 && timer === undefined && !dispatcher.isClosed) {
      timer = setInterval(tick, intervalMs);
      observe("producer-started", { intervalMs });
    } else if (count === 0) {
      stop();
    }
  });
  return () => {
    unlisten();
    stop();
  };
}
