/**
 * The registry: every check of the suite, in the order of the catalogue (CHECKS.md, generated from
 * these declarations by `./run-test.sh catalogue`). Each check declares itself in the file named
 * after its id's prefix; this list only orders them.
 */
import type { Check } from "../harness/check.ts";
import { backpressurePull, backpressureSlowClient } from "./backpressure.ts";
import { browserConnectionLimit, browserCrossOrigin, browserEventSource, browserOpenLatency, browserReconnect } from "./browser.ts";
import { completionSignalQuiet } from "./completion.ts";
import { concurrencyMany, concurrencyTwo } from "./concurrency.ts";
import {
  disconnectBeforeFirstEvent,
  disconnectCancel,
  disconnectNoLeak,
  disconnectNoLeakLong,
  disconnectProducerStops,
  disconnectQuiet,
  disconnectSignal,
  disconnectWriteSettles,
} from "./disconnect.ts";
import { errorMidStream } from "./error.ts";
import { h2Disconnect, h2Flush, h2Headers } from "./h2.ts";
import { flushBurst, flushCompressed, flushHeaders, flushLarge, flushPerEvent, flushTiny, flushUtf8 } from "./flush.ts";
import { nodeHttpReqAborted, nodeHttpReqClose, nodeHttpResClose, nodeHttpSocketClose, nodeHttpWriteAfterClose } from "./node-http.ts";
import { idleHeartbeat, idleRuntimeDefault, idleServerTimeouts } from "./idle.ts";
import { proxyBuffering } from "./proxy.ts";
import { protocolHead, protocolHeaders, protocolInjection, protocolNoTransform, protocolResume, protocolRetry } from "./protocol.ts";
import { sigintIdle, sigintOpenStreams } from "./sigint.ts";
import { sigtermOpenStreams } from "./sigterm.ts";
import { stopDeadlineForce, stopRuntimeGraceful } from "./stop.ts";

export const ALL_CHECKS: readonly Check[] = [
  disconnectSignal,
  disconnectCancel,
  disconnectProducerStops,
  disconnectBeforeFirstEvent,
  disconnectQuiet,
  disconnectNoLeak,
  completionSignalQuiet,
  flushHeaders,
  flushPerEvent,
  flushTiny,
  flushLarge,
  flushUtf8,
  concurrencyTwo,
  concurrencyMany,
  sigintOpenStreams,
  sigintIdle,
  sigtermOpenStreams,
  stopRuntimeGraceful,
  protocolHeaders,
  protocolInjection,
  protocolResume,
  protocolRetry,
  idleHeartbeat,
  idleRuntimeDefault,
  backpressureSlowClient,
  ...browserEventSource,
  ...browserReconnect,
  ...browserOpenLatency,
  ...browserConnectionLimit,
  ...browserCrossOrigin,
  flushCompressed,
  protocolNoTransform,
  proxyBuffering,
  idleServerTimeouts,
  disconnectWriteSettles,
  errorMidStream,
  disconnectNoLeakLong,
  backpressurePull,
  stopDeadlineForce,
  protocolHead,
  flushBurst,
  h2Flush,
  h2Disconnect,
  h2Headers,
  nodeHttpReqClose,
  nodeHttpReqAborted,
  nodeHttpResClose,
  nodeHttpSocketClose,
  nodeHttpWriteAfterClose,
];

const BY_ID = new Map(ALL_CHECKS.map((check) => [check.id, check]));

/** The declaration of check `id`, or undefined for an id the registry does not hold (an old result's). */
export function checkById(id: string): Check | undefined {
  return BY_ID.get(id);
}

/**
 * Checks whose id matches one of the glob patterns (`disconnect.*`; a check run in every engine
 * matches by its declared id too, `browser.eventsource`), all when there are none; `engines`, when
 * given, keeps only the browser checks of those engines.
 */
export function selectChecks(patterns: string[], engines?: readonly string[]): Check[] {
  const regexes = patterns.map((p) => new RegExp("^" + p.split("*").map(escapeRegex).join(".*") + "$"));
  return ALL_CHECKS.filter(
    (check) =>
      (patterns.length === 0 || regexes.some((r) => r.test(check.id) || (check.base !== undefined && r.test(check.base)))) &&
      (engines === undefined || check.engine === undefined || engines.includes(check.engine)),
  );
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}
