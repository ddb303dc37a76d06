/**
 * Curated causes for the seed's servers (the Python targets): why a check does not pass there, read
 * in each server's own code as Debian installs it (python3-bottle 0.12.23, python3-cheroot 9.0.0,
 * python3-waitress 2.1.2, python3-paste 3.5.2, gunicorn 20.1.0, Python 3.11; files under
 * /usr/lib/python3/dist-packages and /usr/lib/python3.11), file and line cited. One cause often
 * explains several checks: each entry lists them, and expands into one note per check.
 * suite/curated/sources.md ("The seed's servers") quotes the lines.
 */
import type { Status } from "../model/results.ts";
import type { CuratedNote } from "./note.ts";

const ENGINES = ["chromium", "firefox", "webkit"];
const inEveryEngine = (id: string) => ENGINES.map((engine) => `${id}[${engine}]`);

const WSGIREF_ONE_AT_A_TIME = "CPython 3.11 Lib/wsgiref/simple_server.py:42 `class WSGIServer(HTTPServer)` (socketserver.TCPServer, no ThreadingMixIn)";
const SYNC_ONE_AT_A_TIME = "gunicorn 20.1.0 gunicorn/workers/sync.py:59–69 `run_for_one`: accept one connection, handle it to its end";
const NO_DISCONNECT_NOTICE = "waitress 2.1.2 waitress/task.py:564–567 `environ[\"waitress.client_disconnected\"]` (a poll the app must call, \"Only works with channel_request_lookahead larger than 0\"; adjustments.py:290 `channel_request_lookahead = 0`)";
const BOTTLE_PEEKS = "bottle 0.12.23 bottle.py:936–939 `Bottle._cast`: `iout = iter(out); first = next(iout)` before the response starts";

/** Every check that needs a second request while a stream is open. */
const NEEDS_SECOND_REQUEST = [
  "disconnect.cancel",
  "disconnect.producer-stops",
  "disconnect.before-first-event",
  "disconnect.quiet",
  "disconnect.no-leak",
  "disconnect.no-leak-long",
  "flush.headers",
  "flush.per-event",
  "flush.tiny",
  "flush.large",
  "flush.utf8",
  "concurrency.two",
  "concurrency.many",
  "protocol.injection",
  "protocol.resume",
  "idle.heartbeat",
  "idle.runtime-default",
  "backpressure.slow-client",
  "flush.compressed",
  "proxy.buffering",
  "flush.burst",
  "sigint.open-streams",
  "sigterm.open-streams",
  ...inEveryEngine("browser.eventsource"),
  ...inEveryEngine("browser.reconnect"),
  ...inEveryEngine("browser.open-latency"),
  ...inEveryEngine("browser.connection-limit"),
  ...inEveryEngine("browser.cross-origin"),
];

interface SeedCause {
  checks: string[];
  targets: string[];
  status: Status[];
  cause: string;
  workaround?: string;
  upstream: string[];
}

const SEED_CAUSES: SeedCause[] = [
  // Group H, where the cause is the seed's app itself or one server's own.
  {
    checks: ["protocol.no-transform"],
    targets: ["wsgiref", "cherrypy", "waitress", "paste", "gunicorn-sync", "gunicorn-gevent"],
    status: ["fail"],
    cause: "the seed's app sends `Cache-Control: no-cache` on the stream, as the seed did; no server adds `no-transform` by itself",
    upstream: ["servers/seed/seed_app.py:465–469 (the seed's stream headers, rebuilt)"],
  },
  {
    checks: ["flush.burst"],
    targets: ["cherrypy", "waitress", "paste"],
    status: ["fail"],
    cause:
      "the seed's client queue holds 100 messages and drops the newest when full (\"client queue is full, message dropped\", the seed's own policy): 1,000 events published at once outrun the stream's writer thread, and the rest are dropped for that client",
    upstream: ["servers/seed/seed_app.py:344–351 `put_nowait` … `except queue.Full:` → `_overflow`", "servers/seed/seed_config.py:65 `SSE_CLIENT_QUEUE`, 100"],
  },
  {
    checks: ["protocol.head"],
    targets: ["waitress"],
    status: ["fail"],
    cause:
      "waitress answers a HEAD with `Transfer-Encoding: chunked` (it decides on a body by status code alone) and ends it with the last chunk `0\\r\\n\\r\\n`: five bytes of body after the head of a response that must have none (bottle itself discards the body of a HEAD)",
    upstream: ["waitress 2.1.2 waitress/task.py:175–181 `has_body`, :239–244 `Transfer-Encoding: chunked`, :294–299 `write_soon(b\"0\\r\\n\\r\\n\")`", "bottle 0.12.23 bottle.py:970–973 (HEAD: the iterable closed, `[]` returned)"],
  },
  // The signal checks first: where a server both stops badly and serves one stream at a time, its stop is the cause the footnote names.
  {
    checks: ["sigint.open-streams"],
    targets: ["cherrypy"],
    status: ["fail", "timeout"],
    cause:
      "bottle's cheroot adapter stops the server in `finally`; cheroot's ThreadPool.stop waits up to 5 s in all for its busy workers, then, for each one still alive, shuts its connection down and joins it without a timeout: a streaming thread only writes, so the join never returns (a second Ctrl-C ends it)",
    upstream: ["bottle 0.12.23 bottle.py:2846–2847 `finally: server.stop()`", "cheroot 9.0.0 cheroot/workers/threadpool.py:286–292 `worker.join(remaining_time)` … `self._force_close(worker.conn)`; `worker.join()`"],
  },
  {
    checks: ["sigint.open-streams"],
    targets: ["waitress"],
    status: ["fail", "timeout"],
    cause: "on Ctrl-C waitress waits up to 5 s for its busy threads, logs `N thread(s) still running` on stderr, and returns; the streams are never closed by the app, and the process exits only after those 5 s",
    upstream: ["waitress 2.1.2 waitress/task.py:118–126 `shutdown(self, cancel_pending=True, timeout=5)` … `\"%d thread(s) still running\"`"],
  },
  {
    checks: ["sigint.open-streams"],
    targets: ["paste"],
    status: ["fail", "timeout"],
    cause:
      "paste.httpserver.serve() catches the KeyboardInterrupt and returns without closing the server (server_close() is what shuts the thread pool down), and the pool's worker threads are not daemon threads (their shutdown is left to an atexit hook): the streaming threads go on after the server loop returned",
    upstream: ["Paste 3.5.2 paste/httpserver.py:1360–1365 `except KeyboardInterrupt: pass`; :1123–1130 `server_close` … `self.thread_pool.shutdown(60)`; :583 `ThreadPool.__init__(self, nworkers, name=\"ThreadPool\", daemon=False, …)`, :639–640 `if not daemon: atexit.register(self.shutdown)`"],
  },
  {
    checks: ["sigint.open-streams"],
    targets: ["wsgiref"],
    status: ["fail", "timeout"],
    cause:
      "wsgiref's handler catches every exception of a running request, KeyboardInterrupt included, and prints it: a Ctrl-C during a stream ends that stream with a traceback on stderr, and the server goes on serving (it also serves one request at a time, so only one of the streams opened)",
    upstream: ["CPython 3.11 Lib/wsgiref/handlers.py:143 `except:` in `BaseHandler.run`"],
  },
  {
    checks: ["sigint.open-streams"],
    targets: ["gunicorn-gevent"],
    status: ["fail", "timeout"],
    cause:
      "on Ctrl-C gunicorn stops quickly: the worker exits 0.1 s after the signal (sys.exit in handle_quit), and the streams' greenlets die with it, so each connection is closed without the chunked body's last chunk",
    upstream: ["gunicorn 20.1.0 gunicorn/workers/base.py:193–198 `handle_quit`: `time.sleep(0.1)`; `sys.exit(0)`", "gunicorn 20.1.0 gunicorn/workers/ggevent.py:133–136: the gevent worker runs it in a spawned greenlet"],
  },
  {
    checks: ["sigterm.open-streams"],
    targets: ["wsgiref", "cherrypy", "waitress", "paste"],
    status: ["fail", "timeout"],
    cause:
      "neither bottle nor the server installs a SIGTERM handler (bottle.run catches KeyboardInterrupt only, which Python raises for SIGINT alone), so SIGTERM's default action kills the process at once: exit by signal, streams cut without their last chunk (wsgiref also serves one stream at a time, waitress four)",
    upstream: ["bottle 0.12.23 bottle.py:3173 `except KeyboardInterrupt:` in `run`"],
  },
  {
    checks: ["sigterm.open-streams"],
    targets: ["gunicorn-sync", "gunicorn-gevent"],
    status: ["fail", "timeout"],
    cause: "SIGTERM is gunicorn's graceful stop: the arbiter sends SIGTERM to the workers and waits up to graceful_timeout (30 s) for their requests to finish, which a stream never does (the sync worker also serves one stream at a time)",
    upstream: ["gunicorn 20.1.0 gunicorn/arbiter.py:370–395 `stop(graceful=True)`: `limit = time.time() + self.cfg.graceful_timeout`, then `self.kill_workers(signal.SIGKILL)`"],
  },
  {
    checks: NEEDS_SECOND_REQUEST,
    targets: ["wsgiref"],
    status: ["fail", "timeout"],
    cause:
      "wsgiref's WSGIServer is a plain HTTPServer: one request at a time. While a stream is open, every other request (a second stream, /health, /control/publish, a page) waits in the listen backlog (5) until the stream ends, so the check's second request gets no answer within its bound",
    upstream: [WSGIREF_ONE_AT_A_TIME],
  },
  {
    checks: NEEDS_SECOND_REQUEST,
    targets: ["gunicorn-sync"],
    status: ["fail", "timeout"],
    cause:
      "gunicorn's sync worker handles one connection at a time, to its end, and the seed's app runs one worker (one dispatcher): while a stream is open every other request waits, as on wsgiref",
    upstream: [SYNC_ONE_AT_A_TIME],
  },
  {
    checks: ["disconnect.cancel", "disconnect.producer-stops", "disconnect.before-first-event", "disconnect.no-leak", "disconnect.no-leak-long"],
    targets: ["cherrypy", "waitress", "paste", "gunicorn-gevent"],
    status: ["fail", "timeout"],
    cause:
      "a WSGI server learns that the client left only when a write to it fails; it then calls the iterable's close(). The seed's generator writes only when it has an event or its heartbeat is due (every 5 s), and after a FIN the first write still succeeds, so a stream closed while idle is dropped only after one or two heartbeats (measured by hand: 9.8 s; waitress 14.8 s), beyond the check's bound. Waitress offers a poll for it, which the seed's app does not use and which would not work under bottle's adapter anyway (it needs channel_request_lookahead above its default 0)",
    upstream: [NO_DISCONNECT_NOTICE, "servers/seed/README.md, \"Observed behaviour\""],
  },
  {
    checks: ["disconnect.quiet"],
    targets: ["waitress"],
    status: ["fail", "timeout"],
    cause:
      "each stream closed while idle keeps its worker thread until a write fails (see disconnect.cancel), so once waitress's 4 threads hold such streams the next stream is not served and the check cannot go on",
    upstream: ["waitress 2.1.2 waitress/adjustments.py:153 `threads = 4`"],
  },
  {
    checks: ["flush.headers"],
    targets: ["cherrypy", "waitress", "paste", "gunicorn-gevent"],
    status: ["fail", "timeout"],
    cause:
      "bottle takes the first item of the returned iterable before it calls start_response, so the status line and headers go out with the first event; with mitigations off (no opening `retry:`) that is the first published event",
    workaround: "the seed's app yields `retry:` first, so without `?mitigations=0` the head goes out at once.",
    upstream: [BOTTLE_PEEKS],
  },
  {
    checks: ["concurrency.many"],
    targets: ["cherrypy", "waitress", "paste"],
    status: ["fail", "timeout"],
    cause: "a stream holds a worker thread for its whole life, and the pool is fixed: cheroot serves 10 streams at once, waitress 4, Paste 10; the rest of the 1,000 wait",
    upstream: ["cheroot 9.0.0 cheroot/wsgi.py:42 `numthreads=10`", "waitress 2.1.2 waitress/adjustments.py:153 `threads = 4`", "Paste 3.5.2 paste/httpserver.py:1155 `nworkers=10`"],
  },
  {
    checks: inEveryEngine("browser.connection-limit"),
    targets: ["waitress"],
    status: ["fail", "timeout"],
    cause: "waitress runs 4 threads (bottle's adapter passes no `threads`), so a page's fifth stream is not served, below the browser's own limit of 6",
    upstream: ["waitress 2.1.2 waitress/adjustments.py:153 `threads = 4`"],
  },
  {
    checks: ["protocol.resume"],
    targets: ["waitress"],
    status: ["fail", "timeout"],
    cause:
      "the check keeps its streams open while it opens the next (the resumed one, then one each for a garbage, a huge and an unknown Last-Event-ID): once waitress's 4 threads each hold a stream, /control/publish waits for a free thread",
    upstream: ["waitress 2.1.2 waitress/adjustments.py:153 `threads = 4`"],
  },
  {
    checks: ["backpressure.slow-client"],
    targets: ["waitress"],
    status: ["fail", "timeout"],
    cause:
      "waitress's write returns at once: the channel buffers the output (in memory, then in temporary files past 1 MB) and only stops the app at a 16 MB high watermark per connection, so the slow client's queue never fills and the seed's drop policy never runs",
    upstream: ["waitress 2.1.2 waitress/adjustments.py:216 `outbuf_overflow = 1048576`, :220 `outbuf_high_watermark = 16777216`"],
  },
];

export const SEED_NOTES: CuratedNote[] = SEED_CAUSES.flatMap((c) =>
  c.checks.map((check) => ({
    check,
    on: { targets: c.targets },
    status: c.status,
    cause: c.cause,
    ...(c.workaround ? { workaround: c.workaround } : {}),
    upstream: c.upstream,
  })),
);
