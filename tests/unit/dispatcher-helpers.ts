/** What the dispatcher's tests share: a dispatcher with quiet defaults, a subscription with a bounded reader. */
import { EventDispatcher, type DispatcherOptions } from "../../src/dispatcher.ts";
import { StreamReader } from "./helpers.ts";

/** The opening of every stream of `dispatcher()`: its retry: field. */
export const RETRY = "retry: 2000\n\n";

/** Heartbeat off unless a test asks for it, so that no real interval outlives a test. */
export function dispatcher(options: DispatcherOptions = {}): EventDispatcher {
  return new EventDispatcher({ heartbeatMs: 0, retryMs: 2000, ...options });
}

/** Subscribes, with a bounded reader on the stream. */
export function subscribe(d: EventDispatcher, options: Parameters<EventDispatcher["subscribe"]>[0] = {}) {
  const subscription = d.subscribe(options);
  return { ...subscription, reader: new StreamReader(subscription.stream) };
}

/** Publishes `count` events one call each. */
export function publishEach(d: EventDispatcher, count: number, event = "tick", data = "x"): number[] {
  return Array.from({ length: count }, () => d.publish({ event, data }));
}
