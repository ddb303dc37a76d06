/**
 * The engines by name, launched on demand. A check asks for an engine (`acquireEngine`), opens pages
 * (cheap) and never closes the engine: one browser per engine serves every check of every run in the
 * process (launches are not cheap), and whoever made the runs (a command, a test file) closes them all
 * at its end (`closeAllEngines`).
 */
import type { EngineName } from "../../model/engines.ts";
import { guard, release } from "../process-guard.ts";
import { withTimeout } from "../wait.ts";
import { BOUNDS, engineMissing, type BrowserEngine, type EngineBounds, type Launcher } from "./engine.ts";

const launchers: Record<EngineName, () => Promise<Launcher>> = {
  chromium: async () => (await import("./chromium.ts")).launchChromium,
  firefox: async () => (await import("./firefox.ts")).launchFirefox,
  webkit: async () => (await import("./webkit.ts")).launchWebKit,
};

const shared = new Map<EngineName, Promise<BrowserEngine>>();

/** The run's browser of `name`: launched on first use, shared by every check after. */
export function acquireEngine(name: EngineName): Promise<BrowserEngine> {
  let engine = shared.get(name);
  if (!engine) {
    engine = launchEngine(name);
    shared.set(name, engine);
    // A launch that failed is tried again by the next check, not remembered.
    engine.catch(() => shared.delete(name));
  }
  return engine;
}

/** A browser of its own (the caller closes it). */
export async function launchEngine(name: EngineName, bounds: EngineBounds = BOUNDS): Promise<BrowserEngine> {
  const missing = engineMissing(name);
  if (missing) throw new Error(missing);
  const launch = await launchers[name]();
  const { engine, roots } = await withTimeout(launch(bounds), bounds.launchMs + 5000, `${name} launch`);
  for (const pid of roots) guard(pid);
  const close = engine.close.bind(engine);
  let closing: Promise<void> | undefined;
  engine.close = () => (closing ??= close().finally(() => roots.forEach(release)));
  return engine;
}

/** Closes every shared engine (the end of a command or of a test file). */
export async function closeAllEngines(): Promise<void> {
  const engines = [...shared.values()];
  shared.clear();
  await Promise.all(engines.map((e) => e.then((engine) => engine.close(), () => {})));
}
