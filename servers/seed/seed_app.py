"""
The seed's bottle app, rebuilt: a page with an EventSource, and `/events`, which returns a generator
OBJECT (ContentGenerator, with __iter__, __next__ and close()) that the WSGI server iterates.

The design is the seed's:

- ContentGenerator.__next__ yields a `progress` event every SSE_PRODUCER_MS (default 100) and, between
  its own events, the events waiting in its client queue. It blocks inside __next__ (queue.get with a
  timeout) in the server's thread, greenlet or worker process: it never learns of a disconnect by
  itself, only when the server calls close() or stops calling __next__.
- EventDispatcher: one main queue; one thread copies each message from it into a bounded
  queue.Queue(maxsize=SSE_CLIENT_QUEUE) per client; clients are held by weak reference
  (weakref.WeakValueDictionary), so a generator the server drops disappears; a full client queue
  drops the message and logs it (the seed's "client queue is full, message dropped").

What is added for the suite, with the records and endpoints of src/app.ts and src/dispatcher.ts:
event ids and a bounded replay buffer for Last-Event-ID, `retry:` at stream start, a heartbeat
comment when the stream has been quiet for SSE_HEARTBEAT_MS, `/health`, `/stats` and `/control/*`.
See README.md for what is omitted.
"""
import collections
import ctypes
import gc
import json
import logging
import os
import platform
import queue
import re
import threading
import time
import weakref

import bottle

from seed_records import observe

# Configuration: seed_config.py (the names and defaults of src/config.ts where they mean the same).
from seed_config import ConfigError, read_config  # noqa: E402,F401 (re-exported)


# ---------------------------------------------------------------------------------------------------
# SSE encoding (src/sse.ts): data split at CRLF, CR or LF into several data lines; a line break in
# an event name has no faithful encoding and is refused.

LINE_BREAK = re.compile(r"\r\n|\r|\n")


class SseEncodingError(ValueError):
    pass


def _single_line(field, value):
    if "\r" in value or "\n" in value:
        raise SseEncodingError(f"SSE {field} must not contain CR or LF: {json.dumps(value)}")


def format_event(data, event=None, id=None):
    out = []
    if id is not None:
        _single_line("id", id)
        if "\0" in id:
            raise SseEncodingError("SSE id must not contain NUL")
        out.append(f"id: {id}\n")
    if event is not None:
        _single_line("event", event)
        out.append(f"event: {event}\n")
    for line in LINE_BREAK.split(data):
        out.append(f"data: {line}\n")
    out.append("\n")
    return "".join(out).encode("utf-8")


def format_retry(ms):
    return f"retry: {int(ms)}\n\n".encode("ascii")


HEARTBEAT = b": heartbeat\n\n"
LAST_EVENT_ID = re.compile(r"[0-9]{1,15}")


# ---------------------------------------------------------------------------------------------------
# Process facts for /stats and /control/gc

_PAGE = os.sysconf("SC_PAGE_SIZE")


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


try:
    _libc = ctypes.CDLL("libc.so.6")
    _libc.mallinfo2.restype = _Mallinfo2
except (OSError, AttributeError):
    _libc = None


def memory():
    """rss from /proc; heapUsed = glibc malloc's bytes in use (mallinfo2: uordblks + hblkhd), which
    holds pymalloc's arenas too. Without mallinfo2, heapUsed is the rss."""
    with open("/proc/self/statm") as f:
        rss = int(f.read().split()[1]) * _PAGE
    if _libc is None:
        return {"rss": rss, "heapUsed": rss, "heapUsedIs": "rss"}
    info = _libc.mallinfo2()
    return {"rss": rss, "heapUsed": info.uordblks + info.hblkhd}


# ---------------------------------------------------------------------------------------------------
# The dispatcher

END = object()  # put in a client queue: end the stream after what is queued before it

log = logging.getLogger("seed")


class _Life:
    """A subscription's state, shared by its generator and the generator's finalizer (which must not
    hold the generator itself)."""

    __slots__ = ("sub", "created", "ended", "end_requested", "closes", "next_calls", "next_after_end",
                 "progress", "overflowed", "dropped", "__weakref__")

    def __init__(self, sub):
        self.sub = sub
        self.created = time.monotonic()
        self.ended = None  # the mechanism, once the dispatcher dropped the subscriber
        self.end_requested = False
        self.closes = 0
        self.next_calls = 0
        self.next_after_end = 0
        self.progress = 0
        self.overflowed = False
        self.dropped = 0

    def ms(self):
        return round((time.monotonic() - self.created) * 1000, 3)


class EventDispatcher:
    def __init__(self, config):
        self.config = config
        self.main_queue = queue.Queue()
        self.clients = weakref.WeakValueDictionary()  # sub id -> ContentGenerator
        self.lives = {}  # sub id -> _Life, for the subscribers still counted
        # Re-entrant: a generator freed while a thread holds the lock runs _collected -> end() in that thread.
        self.lock = threading.RLock()
        self.next_sub = 1
        self.last_id = 0
        # Highest id the fan-out thread has copied to the client queues: a new subscriber gets the
        # replay up to it, and everything later from its queue, so that nothing is lost or doubled.
        self.delivered_id = 0
        self.replay = collections.deque()  # (id, bytes), oldest first
        self.replay_bytes = 0
        self.evicted_id = 0  # highest id pushed out of the replay buffer
        self.counters = {
            "published": 0, "dropped": 0, "overflowed": 0, "replayed": 0, "heartbeats": 0,
            "disconnects": {"close()": 0, "gc": 0, "server-end": 0},
        }
        self.thread = threading.Thread(target=self._fan_out, name="dispatcher", daemon=True)
        self.thread.start()

    @property
    def subscriber_count(self):
        return len(self.lives)

    # -- publishing -----------------------------------------------------------------------------

    def publish(self, data, event=None):
        """Encodes once (the same bytes for every client), keeps it for replay, puts it on the main
        queue; the fan-out thread copies it to the client queues. Returns its id."""
        if event is not None:
            _single_line("event", event)
        with self.lock:
            self.last_id += 1
            event_id = self.last_id
            encoded = format_event(data, event=event, id=str(event_id))
            self._retain(event_id, encoded)
            self.counters["published"] += 1
        self.main_queue.put((event_id, encoded))
        return event_id

    def _retain(self, event_id, encoded):
        limit, limit_bytes = self.config["replay_limit"], self.config["replay_limit_bytes"]
        if limit == 0:
            self.evicted_id = event_id
            return
        self.replay.append((event_id, encoded))
        self.replay_bytes += len(encoded)
        while len(self.replay) > limit or (self.replay_bytes > limit_bytes and len(self.replay) > 1):
            old_id, old = self.replay.popleft()
            self.replay_bytes -= len(old)
            self.evicted_id = old_id

    def _fan_out(self):
        while True:
            event_id, encoded = self.main_queue.get()
            with self.lock:
                self.delivered_id = event_id
                targets = list(self.clients.values())
            for client in targets:
                client._offer(encoded)
            # Drop the strong references here, outside the lock: the last reference to a generator the
            # server has let go frees it, and its weakref.finalize (_collected) takes the lock. Dropped
            # by the next iteration's assignment, inside `with self.lock`, that deadlocked this thread,
            # and every publish after it (seen 2026-12-01: disconnect.quiet stopped at its 8th stream,
            # /control/publish hung, on cheroot, Paste and gevent).
            targets = client = None

    def _overflow(self, life, client_queue):
        """The seed's behaviour: the message that does not fit is dropped, and it says so."""
        life.dropped += 1
        self.counters["dropped"] += 1
        log.warning("client queue is full, message dropped (generator %d, %d dropped)", life.sub, life.dropped)
        if not life.overflowed:
            life.overflowed = True
            self.counters["overflowed"] += 1
            with client_queue.mutex:
                queued = list(client_queue.queue)
            observe("overflow", sub=life.sub, policy="drop-newest",
                    queued=len(queued), queuedBytes=sum(len(b) for b in queued if isinstance(b, bytes)))

    # -- subscribers ----------------------------------------------------------------------------

    def subscribe(self, last_event_id, heartbeat, open_with_retry, environ):
        interval = self.config["producer_ms"] / 1000
        heartbeat_s = self.config["heartbeat_ms"] / 1000 if heartbeat and self.config["heartbeat_ms"] > 0 else 0
        opening = [format_retry(self.config["retry_ms"])] if open_with_retry else []
        with self.lock:
            sub = self.next_sub
            self.next_sub += 1
            replay = self._replay_for(last_event_id)
            if replay["kind"] in ("replayed", "partial"):
                chunks = [b for (i, b) in self.replay if replay["from"] <= i <= self.delivered_id]
                replay["count"] = len(chunks)
                opening.extend(chunks)
                self.counters["replayed"] += len(chunks)
            life = _Life(sub)
            generator = ContentGenerator(self, life, interval, heartbeat_s, opening, environ)
            self.clients[sub] = generator
            self.lives[sub] = life
            count = len(self.lives)
        weakref.finalize(generator, _collected, self, life)
        fields = {"sub": sub, "subscribers": count, "heartbeat": heartbeat_s > 0,
                  "lastEventId": last_event_id, "replay": replay["kind"]}
        if replay["kind"] == "ignored":
            fields["replayIgnoredBecause"] = replay["reason"]
        if "count" in replay:
            fields["replayed"] = replay["count"]
        observe("subscribed", **fields)
        return generator

    def _replay_for(self, last_event_id):
        if not last_event_id:
            return {"kind": "none"}
        if not LAST_EVENT_ID.fullmatch(last_event_id):
            return {"kind": "ignored", "reason": "garbage"}
        seen = int(last_event_id)
        if seen > self.last_id:
            return {"kind": "ignored", "reason": "unknown"}
        if seen >= self.delivered_id:
            return {"kind": "none"}  # what is newer is still on the main queue: it comes live
        first_kept = self.evicted_id + 1
        start = max(seen + 1, first_kept)
        if start > seen + 1:
            return {"kind": "partial", "from": start, "missing": start - (seen + 1)}
        return {"kind": "replayed", "from": start}

    def end(self, life, mechanism):
        """Drops the subscriber (once) and reports it, as src/dispatcher.ts's end()."""
        with self.lock:
            if life.ended is not None:
                return False
            life.ended = mechanism
            self.clients.pop(life.sub, None)
            self.lives.pop(life.sub, None)
            self.counters["disconnects"][mechanism] = self.counters["disconnects"].get(mechanism, 0) + 1
            count = len(self.lives)
        observe("producer-stopped", sub=life.sub, progress=life.progress, nextCalls=life.next_calls, reason=mechanism)
        observe("unsubscribed", sub=life.sub, mechanism=mechanism, ms=life.ms(), subscribers=count)
        return True

    def end_all(self):
        """Ends every stream after what is queued for it (the generator raises StopIteration)."""
        with self.lock:
            targets = list(self.clients.values())
        for client in targets:
            client.life.end_requested = True
            try:
                client.queue.put_nowait(END)
            except queue.Full:
                pass  # the generator is not waiting: it sees end_requested once its queue is empty
            self.end(client.life, "server-end")
        return len(targets)

    def stats(self):
        with self.lock:
            return {
                "subscribers": len(self.lives),
                "published": self.counters["published"],
                "lastEventId": self.last_id,
                "replayBuffered": len(self.replay),
                "replayBufferedBytes": self.replay_bytes,
                "overflowPolicy": "drop-newest",
                "clientQueueMessages": self.config["client_queue"],
                "dropped": self.counters["dropped"],
                "overflowed": self.counters["overflowed"],
                "replayed": self.counters["replayed"],
                "heartbeats": self.counters["heartbeats"],
                "disconnects": dict(self.counters["disconnects"]),
                "closed": False,
                "generatorsAlive": len(self.clients),
                "threads": threading.active_count(),
            }


def _collected(dispatcher, life):
    """weakref.finalize: the server dropped the generator. If it never called close() and the stream
    did not end, this is how the dispatcher learns that the client is gone (mechanism "gc")."""
    observe("generator-collected", sub=life.sub, closes=life.closes, ms=life.ms())
    dispatcher.end(life, "gc")


# ---------------------------------------------------------------------------------------------------
# The generator object the seed returned from /events


class ContentGenerator:
    def __init__(self, dispatcher, life, interval_s, heartbeat_s, opening, environ):
        self.dispatcher = dispatcher
        self.life = life
        self.queue = queue.Queue(maxsize=dispatcher.config["client_queue"])
        self.interval = interval_s
        self.heartbeat = heartbeat_s
        self.opening = b"".join(opening)
        now = time.monotonic()
        self.next_progress = now + interval_s if interval_s > 0 else None
        self.next_heartbeat = now + heartbeat_s if heartbeat_s > 0 else None
        self.pid = os.getpid()
        self.server = environ.get("SERVER_SOFTWARE", "")

    def _offer(self, encoded):
        """Called by the fan-out thread."""
        if self.life.ended is not None:
            return
        try:
            self.queue.put_nowait(encoded)
        except queue.Full:
            self.dispatcher._overflow(self.life, self.queue)

    def __iter__(self):
        return self

    def __next__(self):
        life = self.life
        if life.ended is not None and life.ended != "server-end":
            life.next_after_end += 1
            if life.next_after_end == 1:
                observe("next-after-end", sub=life.sub, mechanism=life.ended, ms=life.ms())
            raise StopIteration
        life.next_calls += 1
        if self.opening:
            chunk, self.opening = self.opening, b""
            return chunk
        while True:
            if life.end_requested and self.queue.empty():
                raise StopIteration
            now = time.monotonic()
            deadlines = [d for d in (self.next_progress, self.next_heartbeat) if d is not None]
            timeout = max(0.0, min(deadlines) - now) if deadlines else None
            try:
                item = self.queue.get(timeout=timeout)
            except queue.Empty:
                item = None
            if item is END:
                raise StopIteration
            now = time.monotonic()
            if item is not None:
                if self.next_heartbeat is not None:
                    self.next_heartbeat = now + self.heartbeat
                return item
            if self.next_progress is not None and now >= self.next_progress:
                # Catch up without a burst: a late step is one step, the next one interval later.
                self.next_progress = max(self.next_progress + self.interval, now)
                life.progress += 1
                thread = threading.current_thread().name
                observe("producer-step", sub=life.sub, progress=life.progress, thread=thread)
                if self.next_heartbeat is not None:
                    self.next_heartbeat = now + self.heartbeat
                data = json.dumps({"progress": life.progress, "thread": thread, "generator": life.sub,
                                   "pid": self.pid, "server": self.server})
                # No id: the progress events are this generator's own, not the dispatcher's, and
                # cannot be replayed; a client's Last-Event-ID stays the last published event's.
                return format_event(data, event="progress")
            if self.next_heartbeat is not None and now >= self.next_heartbeat:
                self.next_heartbeat = now + self.heartbeat
                self.dispatcher.counters["heartbeats"] += 1
                return HEARTBEAT

    def close(self):
        """PEP 3333: the server calls close() when the response is done, whatever ended it."""
        life = self.life
        life.closes += 1
        fields = {"sub": life.sub, "ms": life.ms(), "mechanism": "close()", "thread": threading.current_thread().name}
        if life.ended is not None:
            fields["afterEnd"] = True
            fields["endedBy"] = life.ended
        if life.closes > 1:
            fields["repeat"] = life.closes
        observe("stream-cancelled", **fields)
        self.dispatcher.end(life, "close()")


# ---------------------------------------------------------------------------------------------------
# The bottle app

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>seed: bottle SSE</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem; max-width: 52rem; }
  td, th { border-bottom: 1px solid #ddd; padding: .2rem .8rem; text-align: left; font-variant-numeric: tabular-nums; }
</style></head>
<body>
<h1>Server-Sent Events from a bottle generator</h1>
<p>Served by <code id="server">?</code>. Stream <code>/events</code>: <b id="state">connecting</b>,
  <span id="count">0</span> events, last id <code id="last-id">none</code>.</p>
<table><thead><tr><th>event</th><th>progress</th><th>thread</th><th>generator</th><th>id</th></tr></thead>
<tbody id="events"></tbody></table>
<script>
  const $ = (id) => document.getElementById(id);
  let received = 0;
  const source = new EventSource("/events" + location.search);
  // createdAt, openedAt, firstEventAt: ms since navigation, as src/demo-page.ts (browser.open-latency).
  window.sseDemo = { source, events: [], createdAt: performance.now() };
  source.onopen = () => { window.sseDemo.openedAt ??= performance.now(); $("state").textContent = "open"; };
  source.onerror = () => { $("state").textContent = source.readyState === EventSource.CLOSED ? "closed" : "error"; };
  const show = (event) => {
    received++;
    window.sseDemo.firstEventAt ??= performance.now();
    $("count").textContent = String(received);
    $("last-id").textContent = event.lastEventId || "none";
    window.sseDemo.events.push({ type: event.type, id: event.lastEventId, data: event.data });
    let data = {};
    try { data = JSON.parse(event.data); } catch { data = { progress: event.data }; }
    if (data.server) $("server").textContent = data.server;
    const row = document.createElement("tr");
    for (const value of [event.type, data.progress, data.thread, data.generator, event.lastEventId]) {
      const cell = document.createElement("td");
      cell.textContent = value === undefined ? "" : String(value);
      row.append(cell);
    }
    $("events").prepend(row);
    while ($("events").children.length > 20) $("events").lastElementChild.remove();
  };
  source.addEventListener("progress", show);
  source.addEventListener("message", show);
</script>
</body>
</html>
"""

SSE_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",
}

MAX_GENERATED_BYTES = 64 * 1024 * 1024
_generated = {"size": -1, "data": ""}


def _generated_data(size):
    if _generated["size"] != size:
        _generated.update(size=size, data="x" * size)
    return _generated["data"]


def _is_int(value):
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def create_app(config, server_name):
    dispatcher = EventDispatcher(config)
    started = time.monotonic()
    app = bottle.Bottle()

    def json_response(body, status=200):
        bottle.response.status = status
        bottle.response.content_type = "application/json"
        return json.dumps(body)

    @app.get("/")
    def page():
        return PAGE

    @app.get("/events")
    def events():
        mitigations = bottle.request.query.get("mitigations") != "0"
        generator = dispatcher.subscribe(
            last_event_id=bottle.request.headers.get("Last-Event-ID"),
            heartbeat=mitigations and bottle.request.query.get("heartbeat") != "0",
            open_with_retry=mitigations,
            environ=bottle.request.environ,
        )
        for name, value in SSE_HEADERS.items():
            bottle.response.set_header(name, value)
        # CORS for an allowed origin, exactly as src/events-route.ts: its own name, credentials, Vary.
        origin = bottle.request.headers.get("Origin")
        if origin and origin in config["cors_origins"]:
            bottle.response.set_header("Access-Control-Allow-Origin", origin)
            bottle.response.set_header("Access-Control-Allow-Credentials", "true")
            bottle.response.set_header("Vary", "Origin")
        return generator

    @app.get("/health")
    def health():
        return json_response({"ok": True, "subscribers": dispatcher.subscriber_count,
                              "uptimeMs": round((time.monotonic() - started) * 1000)})

    @app.get("/stats")
    def stats():
        return json_response({**dispatcher.stats(), "runtime": "python", "runtimeVersion": platform.python_version(),
                              "server": server_name, "framework": f"bottle {bottle.__version__}",
                              "pid": os.getpid(), "memory": memory()})

    if config["control"]:
        @app.post("/control/publish")
        def publish():
            try:
                body = json.loads(bottle.request.body.read() or b"null")
            except ValueError:
                return json_response({"error": "body must be JSON: {event?, data? | size?, count?}"}, 400)
            if not isinstance(body, dict):
                return json_response({"error": "body must be a JSON object: {event?, data? | size?, count?}"}, 400)
            event, data = body.get("event"), body.get("data")
            if event is not None and not isinstance(event, str):
                return json_response({"error": "event must be a string"}, 400)
            if data is not None and not isinstance(data, str):
                return json_response({"error": "data must be a string"}, 400)
            size, count = body.get("size", 0), body.get("count", 1)
            if not _is_int(size) or not 0 <= size <= MAX_GENERATED_BYTES:
                return json_response({"error": f"size must be an integer from 0 to {MAX_GENERATED_BYTES}"}, 400)
            if not _is_int(count) or not 1 <= count <= 100_000:
                return json_response({"error": "count must be an integer from 1 to 100000"}, 400)
            payload = data if data is not None else _generated_data(int(size))
            try:
                event_id = 0
                for _ in range(int(count)):
                    event_id = dispatcher.publish(payload, event=event)
            except SseEncodingError as error:
                return json_response({"error": str(error)}, 400)
            return json_response({"id": event_id, "subscribers": dispatcher.subscriber_count})

        @app.post("/control/end-streams")
        def end_streams():
            return json_response({"ended": dispatcher.end_all()})

        @app.post("/control/gc")
        def collect():
            unreachable = gc.collect()
            return json_response({"collected": True, "unreachable": unreachable, "memory": memory()})

    app.dispatcher = dispatcher
    return app
