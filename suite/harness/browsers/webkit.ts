/**
 * WebKit: Debian's WebKitWebDriver (plain W3C WebDriver over HTTP, our own small client over
 * fetch()) driving WebKitGTK's MiniBrowser (`webkitgtk:browserOptions`, `--automation`). MiniBrowser
 * has no headless mode, so it runs under a private Xvfb; session creation hangs without a display,
 * so every step is bounded.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { delay, withTimeout } from "../wait.ts";
import { ENGINE_PATHS, pageWrapper, unwrap, type BrowserEngine, type EnginePage, type Launcher } from "./engine.ts";
import { fenced } from "./fence.ts";
import { alive, killTree, processTree, trackTree } from "./processes.ts";

/** Defensive, for software rendering under Xvfb (WebKitGTK 2.50.6 ran the same without them). */
const WEBKIT_ENV = { WEBKIT_DISABLE_DMABUF_RENDERER: "1", LIBGL_ALWAYS_SOFTWARE: "1" };

/** A port that was free a moment ago; the driver binds it (the usual small race, bounded by the launch). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Xvfb on a display it picks itself (-displayfd): no lock files to guess. */
async function startXvfb(timeoutMs: number): Promise<{ child: ChildProcess; display: string }> {
  // Fenced too: a harness that dies takes its Xvfb with it.
  const [program, ...args] = (await fenced([ENGINE_PATHS.xvfb, "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "1280x800x24"], { namespace: false })).argv;
  const child = spawn(program!, args, { stdio: ["ignore", "ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const display = await withTimeout(
    new Promise<string>((resolve, reject) => {
      let buffer = "";
      (child.stdio[3] as NodeJS.ReadableStream).on("data", (d) => {
        buffer += d;
        if (buffer.includes("\n")) resolve(":" + buffer.trim());
      });
      child.once("exit", (code, signal) => reject(new Error(`Xvfb exited (${code ?? signal}): ${stderr.trim()}`)));
      child.once("error", reject);
    }),
    timeoutMs,
    "Xvfb start",
  ).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  return { child, display };
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const stopped = await withTimeout(exited, graceMs, "exit").then(() => true, () => false);
  if (!stopped) {
    child.kill("SIGKILL");
    await withTimeout(exited, 5000, "exit after SIGKILL").catch(() => {});
  }
}

export const launchWebKit: Launcher = async (bounds) => {
  const started: ChildProcess[] = [];
  let driver: ChildProcess | undefined;
  let driverTree: ReturnType<typeof trackTree> | undefined;
  let pidns = false;

  const cleanup = async () => {
    const procs = driverTree?.refresh() ?? [];
    driverTree?.stop();
    if (driver && !pidns) {
      // MiniBrowser and its web and network processes first (their parents still there to reap them), then the driver.
      await killTree(procs.filter((p) => p.pid !== driver!.pid));
      if (driver.pid) await killTree(processTree(driver.pid).filter((p) => p.pid !== driver!.pid));
    }
    if (driver && pidns) {
      // SIGKILL the driver, PID 1 of the namespace (unshare itself ignores SIGTERM, and killing it
      // first would orphan the driver): the kernel kills and reaps the rest, and unshare exits.
      const inner = procs.find((p) => p.ppid === driver!.pid);
      if (inner && alive(inner)) {
        try {
          process.kill(inner.pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
    }
    if (driver) await stopChild(driver, pidns ? "SIGCONT" : "SIGTERM", 3000);
    await killTree(procs);
    for (const child of started) if (child !== driver) await stopChild(child, "SIGTERM", 3000);
  };

  try {
    const deadline = performance.now() + bounds.launchMs;
    const left = () => Math.max(1, Math.round(deadline - performance.now()));
    // SSE_WEBKIT_DISPLAY uses an existing X display instead of a private Xvfb.
    let display = process.env.SSE_WEBKIT_DISPLAY;
    if (!display) {
      const xvfb = await startXvfb(left());
      started.push(xvfb.child);
      display = xvfb.display;
    }
    const port = await freePort();
    // MiniBrowser exits before reaping its last web process after DELETE /session: in a namespace of
    // the driver's own, the kernel reaps it.
    const launcher = await fenced([ENGINE_PATHS.webkitDriver, `--port=${port}`, "--host=local"]);
    pidns = launcher.inNamespace;
    const [program, ...args] = launcher.argv;
    const spawned = spawn(program!, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DISPLAY: display, ...WEBKIT_ENV } });
    driver = spawned;
    started.push(spawned);
    let driverLog = "";
    spawned.stdout!.on("data", (d) => (driverLog += d));
    spawned.stderr!.on("data", (d) => (driverLog += d));
    const driverPid = spawned.pid;
    driverTree = trackTree(() => (driverPid ? [driverPid] : []));
    const base = `http://127.0.0.1:${port}`;

    const wd = async <T>(method: string, path: string, body?: unknown, timeoutMs = bounds.navigationMs): Promise<T> => {
      let response: Response;
      let json: { value: T & { error?: string; message?: string } };
      try {
        response = await fetch(base + path, {
          method,
          headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        json = (await response.json()) as typeof json;
      } catch (error) {
        const why = (error as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : String(error);
        throw new Error(`WebDriver ${method} ${path}: ${why}; driver log: ${driverLog.trim().slice(-500) || "(empty)"}`);
      }
      if (!response.ok || (json.value && typeof json.value === "object" && "error" in json.value && json.value.error)) {
        throw new Error(`WebDriver ${method} ${path}: ${response.status} ${json.value?.error}: ${json.value?.message}`);
      }
      return json.value;
    };

    // The driver answers /status once it listens: polled, bounded by the launch.
    for (;;) {
      if (spawned.exitCode !== null) throw new Error(`WebKitWebDriver exited: ${driverLog.trim()}`);
      const ready = await wd<{ ready: boolean }>("GET", "/status", undefined, 1000).then((v) => v.ready, () => false);
      if (ready) break;
      if (performance.now() > deadline) throw new Error(`WebKitWebDriver not ready after ${bounds.launchMs} ms: ${driverLog.trim()}`);
      await delay(50);
    }

    const session = await wd<{ sessionId: string; capabilities: Record<string, unknown> }>(
      "POST",
      "/session",
      {
        capabilities: {
          alwaysMatch: {
            "webkitgtk:browserOptions": { binary: ENGINE_PATHS.webkitBrowser, args: ["--automation"] },
            pageLoadStrategy: "normal",
            // The HTTP/2 half of browser.connection-limit loads a page from a self-signed certificate.
            acceptInsecureCerts: true,
          },
        },
      },
      left(),
    );
    const s = `/session/${session.sessionId}`;
    await wd("POST", `${s}/timeouts`, { script: bounds.evaluateMs, pageLoad: bounds.navigationMs, implicit: 0 });
    // The session's first window stays as a blank "home": W3C WebDriver ends the session when its
    // last window closes, so pages are always further windows.
    const home = await wd<string>("GET", `${s}/window`);

    // WebDriver drives one window at a time: commands go one after another, switching first.
    let current = home;
    let queue: Promise<unknown> = Promise.resolve();
    const inWindow = <T>(handle: string, step: () => Promise<T>): Promise<T> => {
      const run = queue.then(async () => {
        if (current !== handle) {
          await wd("POST", `${s}/window`, { handle });
          current = handle;
        }
        return step();
      });
      queue = run.catch(() => {});
      return run;
    };

    const pages = new Set<EnginePage>();
    const engine: BrowserEngine = {
      name: "webkit",
      version: String(session.capabilities.browserVersion ?? "unknown"),
      async newPage() {
        // A window, not a tab: MiniBrowser's tabs report visibilityState "hidden" and throttle timers.
        const { handle } = await inWindow(home, () => wd<{ handle: string }>("POST", `${s}/window/new`, { type: "window" }));
        let closed = false;
        const opened: EnginePage = {
          async goto(url) {
            await inWindow(handle, () => wd("POST", `${s}/url`, { url }, bounds.navigationMs + 1000));
          },
          async evaluate<T>(js: string) {
            const script = `const done = arguments[arguments.length - 1]; ${pageWrapper(js)}.then(done);`;
            const raw = await inWindow(handle, () => wd<unknown>("POST", `${s}/execute/async`, { script, args: [] }, bounds.evaluateMs + 1000));
            return unwrap<T>(raw, "webkit");
          },
          async close() {
            if (closed) return performance.now();
            closed = true;
            pages.delete(opened);
            // The DELETE waits its turn behind the other pages' commands: the close is timed from its sending.
            let sentAt = performance.now();
            await inWindow(handle, async () => {
              sentAt = performance.now();
              await wd("DELETE", `${s}/window`);
              await wd("POST", `${s}/window`, { handle: home });
              current = home;
            }).catch(() => {});
            return sentAt;
          },
        };
        pages.add(opened);
        return opened;
      },
      async close() {
        for (const page of [...pages]) await page.close();
        await wd("DELETE", s, undefined, 10_000).catch(() => {});
        await cleanup();
      },
    };
    return { engine, roots: [driverPid, ...started.filter((c) => c !== spawned).map((c) => c.pid)].filter((p): p is number => p !== undefined) };
  } catch (error) {
    await cleanup();
    throw error;
  }
};
