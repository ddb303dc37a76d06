"""
Hand measurements of the seed app on each server, with small stdlib clients (raw sockets, so that
a close can be a FIN or an RST, and a chunked body is decoded by hand).

    /usr/bin/python3 servers/seed/probe.py [server ...] [--only scenario,...] [--long] [--slow] [--json FILE]

Every scenario starts a fresh server (PORT=0, SSE_OBSERVATIONS=ndjson, SSE_CONTROL=1) in its own
process group, as the suite does, and kills the group afterwards. Every wait is bounded. `--long`
adds a stream held open for 40 s (gunicorn's worker timeout is 30 s); `--slow` adds a client that
stops reading while 200 events of 100 KB are published. Times are ms on this process's monotonic
clock, from the client's action to the arrival of the server's record or bytes.

This is not the suite: it prints what it saw, and judges nothing. Its clients (a server process, a
raw SSE stream) are probe_clients.py.
"""
import json
import signal
import socket
import sys
import time

from probe_clients import Server, Stream, now, r1

SERVERS = ("wsgiref", "cherrypy", "waitress", "paste", "gunicorn-sync", "gunicorn-gevent")


# ---------------------------------------------------------------------------------------------------
# Scenarios


def readiness_and_cadence(name):
    server = Server(name)
    try:
        server.ready()
        listening = server.listening
        out = {"readyMs": r1(listening["at"] - server.started_at), "port": server.port,
               "stdoutBeforeListening": [line for at, line in server.noise if at <= listening["at"]],
               "listeningIsFirstRecord": server.records[0]["type"] == "listening"}
        probe = socket.create_connection(("127.0.0.1", server.port), timeout=2)
        probe.close()
        out["portAccepts"] = True
        s = Stream(server.port)
        head = s.wait_head(3000)
        out["headMs"] = r1(s.head_at - s.opened_at) if head else None
        out["statusLine"] = head and head["statusLine"]
        out["headers"] = head and {k: v for k, v in head["headers"].items() if k not in ("date",)}
        s.wait(lambda st: len([e for e in st.events if e["event"] == "progress"]) >= 21, 4000)
        progress = [e for e in s.events if e["event"] == "progress"]
        out["retryFirst"] = s.retries[:1]
        out["firstProgressMs"] = r1(progress[0]["at"] - s.opened_at) if progress else None
        gaps = [b["at"] - a["at"] for a, b in zip(progress, progress[1:])]
        if gaps:
            out["progressGapMs"] = {"n": len(gaps), "mean": r1(sum(gaps) / len(gaps)), "min": r1(min(gaps)), "max": r1(max(gaps))}
        out["sample"] = progress[0]["data"] if progress else None
        s.destroy()
        return out
    finally:
        server.kill()


def two_streams_and_publish(name):
    server = Server(name).ready()
    out = {}
    try:
        a = Stream(server.port)
        a.wait_head(3000)
        b = Stream(server.port)
        head_b = b.wait_head(3000)
        out["secondHeadMs"] = r1(b.head_at - b.opened_at) if head_b else None
        out["health"] = server.request("GET", "/health", timeout_ms=3000)
        sent = now()
        published = server.request("POST", "/control/publish", {"event": "hello", "data": "line 1\nline 2\r\nline 3"}, timeout_ms=3000)
        out["publish"] = published
        event_id = json.loads(published["body"])["id"] if published.get("status") == 200 else None
        for label, s in (("a", a), ("b", b)):
            e = s.wait_event(lambda e: e["event"] == "hello", 3000) if event_id else None
            out[f"deliveredTo_{label}"] = None if e is None else {"ms": r1(e["at"] - sent), "id": e["id"], "data": e["data"]}
        out["badEventName"] = server.request("POST", "/control/publish", {"event": "x\nevent: forged", "data": "y"}, timeout_ms=3000).get("status")
        if head_b is None:
            # The second stream waits: does it start once the first one goes?
            closed_at = a.close_rst()
            head_b = b.wait_head(3000)
            out["secondHeadAfterFirstClosedMs"] = r1(b.head_at - closed_at) if head_b else None
        a.destroy()
        b.destroy()
        return out
    finally:
        server.kill()


def many_streams(name, count=20):
    server = Server(name, env={"SSE_PRODUCER_MS": "0"}).ready()
    try:
        streams, failed = [], []
        for _ in range(count):
            try:
                streams.append(Stream(server.port, connect_timeout=1))
            except OSError as error:
                failed.append(f"{type(error).__name__}: {error}")
        deadline = now() + 4000
        for s in streams:
            s.wait_head(max(1, deadline - now()))
        heads = sum(1 for s in streams if s.head is not None)
        subscribed = max([r["subscribers"] for r in server.of("subscribed")] or [0])
        health = server.request("GET", "/health", timeout_ms=2000)
        for s in streams:
            s.destroy()
        return {"opened": len(streams), "connectFailed": len(failed), "headsWithin4s": heads, "maxSubscribers": subscribed, "healthWhileOpen": health}
    finally:
        server.kill()


def disconnect(name, close, producer_ms, observe_ms):
    server = Server(name, env={"SSE_PRODUCER_MS": str(producer_ms)}).ready()
    try:
        s = Stream(server.port)
        sub_record = server.wait_record(lambda r: r["type"] == "subscribed", 3000)
        sub = sub_record["sub"]
        if producer_ms:
            s.wait_event(lambda e: e["event"] == "progress", 3000)
        else:
            s.wait_head(3000)
            time.sleep(0.2)
        closed_at = s.close_fin() if close == "fin" else s.close_rst()
        cancelled = server.wait_record(lambda r: r["type"] == "stream-cancelled" and r["sub"] == sub, observe_ms, since=closed_at)
        dropped = server.wait_record(lambda r: r["type"] == "unsubscribed" and r["sub"] == sub, 200 if cancelled else 1, since=closed_at)
        time.sleep(0.3)
        steps_after = [r for r in server.of("producer-step", sub=sub) if r["at"] > closed_at]
        stderr = server.stderr_text(since=closed_at)
        stats = server.request("GET", "/stats", timeout_ms=2000)
        alive = json.loads(stats["body"]).get("generatorsAlive") if stats.get("status") == 200 else None
        return {
            "close": close, "producerMs": producer_ms,
            "closeCalledMs": r1(cancelled["at"] - closed_at) if cancelled else None,
            "unsubscribedMs": r1(dropped["at"] - closed_at) if dropped else None,
            "mechanism": dropped and dropped["mechanism"],
            "nextCallsAfterClose": len(steps_after),
            "stderrLines": len([l for l in stderr.split("\n") if l.strip()]),
            "stderrFirst": stderr.split("\n")[:3] if stderr else [],
            "generatorsAliveAfter": alive,
        }
    finally:
        server.kill()


class _NoStream:
    end = None

    def destroy(self):
        pass


def stop(name, sig, group=False, second_after_ms=8000, observe_ms=8000, stream=True):
    server = Server(name).ready()
    try:
        if stream:
            s = Stream(server.port)
            s.wait_event(lambda e: e["event"] == "progress", 3000)
        else:
            server.request("GET", "/health")
            s = _NoStream()
        sent_at = server.signal(sig, group)
        out = {"signal": signal.Signals(sig).name, "to": "process group" if group else "pid"}
        exit_at = server.wait_exit(second_after_ms)
        if exit_at is None:
            still = server.request("GET", "/health", timeout_ms=1000)
            out["afterFirstSignal"] = {"alive": True, "health": still.get("status"), "streamEnded": s.end and {"ms": r1(s.end[0] - sent_at), "how": s.end[1]}}
            second_at = server.signal(sig, group)
            exit_at = server.wait_exit(observe_ms)
            out["secondSignal"] = True
            if exit_at is None:
                server.kill()
                exit_at = server.wait_exit(3000)
                out["killed"] = True
            else:
                out["exitAfterSecondMs"] = r1(exit_at - second_at)
        out["exitMs"] = r1(exit_at - sent_at) if exit_at else None
        code = server.proc.returncode
        out["exit"] = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"code {code}"
        out["streamEnd"] = s.end and {"ms": r1(s.end[0] - sent_at), "how": s.end[1]}
        stderr = server.stderr_text(since=sent_at)
        out["stderrLines"] = len([l for l in stderr.split("\n") if l.strip()])
        out["stderrTail"] = [l for l in stderr.split("\n") if l.strip()][-3:]
        out["stderr"] = [l for l in stderr.split("\n") if l.strip()][:60]
        out["records"] = [{k: v for k, v in r.items() if k in ("type", "signal", "how", "code", "reason", "mechanism", "threadsLeft", "pid")}
                          | {"ms": r1(r["at"] - sent_at)}
                          for r in server.records if r["at"] >= sent_at and r["type"] not in ("producer-step",)]
        s.destroy()
        return out
    finally:
        server.kill()


def sigint_ignored(name):
    server = Server(name, sigint="ignored").ready()
    try:
        s = Stream(server.port)
        s.wait_event(lambda e: e["event"] == "progress", 3000)
        before = len(s.events)
        sent_at = server.signal(signal.SIGINT)
        exited = server.wait_exit(1500)
        after = len(s.events)
        return {"listeningSigint": server.listening.get("sigint"), "exited": exited is not None,
                "eventsDuring1500ms": after - before,
                "keyboardInterrupt": "KeyboardInterrupt" in server.stderr_text(since=sent_at),
                "records": [r["type"] for r in server.records if r["at"] >= sent_at and r["type"] != "producer-step"]}
    finally:
        server.kill()


def long_stream(name, hold_ms=40000):
    server = Server(name, env={"SSE_PRODUCER_MS": "1000"}).ready()
    try:
        s = Stream(server.port)
        s.wait_event(lambda e: e["event"] == "progress", 3000)
        s.wait(lambda st: st.end is not None, hold_ms)
        time.sleep(0.5)  # the records of the end may follow the bytes
        return {"heldMs": hold_ms, "streamEnded": s.end and {"ms": r1(s.end[0] - s.opened_at), "how": s.end[1]},
                "records": [r["type"] for r in server.records if r["type"] not in ("producer-step",)],
                "stderr": [l for l in server.stderr_text().split("\n") if l.strip()][:4]}
    finally:
        server.kill()


def slow_client(name, events=200, size=100_000):
    server = Server(name, env={"SSE_PRODUCER_MS": "0", "SSE_HEARTBEAT_MS": "0"}).ready()
    try:
        slow = Stream(server.port)
        slow.wait_head(3000)
        slow.paused = True
        fast = Stream(server.port)
        if fast.wait_head(3000) is None:
            slow.destroy()
            fast.destroy()
            return {"skipped": "no second stream (the server serves one at a time)"}

        def stats():
            r = server.request("GET", "/stats", timeout_ms=3000)
            return json.loads(r["body"]) if r.get("status") == 200 else {}

        before = stats()
        delays, peak = [], before.get("memory", {}).get("rss", 0)
        for i in range(events):
            sent = now()
            r = server.request("POST", "/control/publish", {"event": "bulk", "size": size}, timeout_ms=5000)
            if r.get("status") != 200:
                return {"failedAt": i, "publish": r}
            event_id = str(json.loads(r["body"])["id"])
            e = fast.wait_event(lambda e: e["id"] == event_id, 5000)
            delays.append(e["at"] - sent if e else None)
            fast.events.clear()
            if i % 20 == 19:
                peak = max(peak, stats().get("memory", {}).get("rss", 0))
        after = stats()
        got = sorted(d for d in delays if d is not None)
        overflow = server.of("overflow")
        slow.destroy()
        fast.destroy()
        return {"published": events, "eventBytes": size, "rssBeforeMb": round(before["memory"]["rss"] / 1e6, 1),
                "rssPeakMb": round(max(peak, after["memory"]["rss"]) / 1e6, 1),
                "fastP50": r1(got[len(got) // 2]) if got else None, "fastP99": r1(got[int(len(got) * 0.99) - 1]) if got else None,
                "fastMissing": len([d for d in delays if d is None]),
                "overflow": overflow[:1], "dropped": after.get("dropped"), "slowBytesReceived": slow.bytes,
                "stderrLines": len([l for l in server.stderr_text().split("\n") if l.strip()])}
    finally:
        server.kill()


def run(name, long=False, slow=False):
    result = {"server": name}

    def attempt(key, fn, *args, **kwargs):
        if ONLY and not any(key.startswith(o) for o in ONLY):
            return
        started = now()
        try:
            result[key] = fn(*args, **kwargs)
        except Exception as error:
            result[key] = {"error": f"{type(error).__name__}: {error}"}
        print(f"  {key}: {json.dumps(result[key])[:400]} ({round((now() - started) / 1000, 1)} s)", flush=True)

    print(f"== {name}", flush=True)
    attempt("cadence", readiness_and_cadence, name)
    attempt("two", two_streams_and_publish, name)
    attempt("many", many_streams, name)
    for close in ("fin", "rst"):
        attempt(f"disconnect_{close}_writing", disconnect, name, close, 100, 3000)
    attempt("disconnect_fin_idle", disconnect, name, "fin", 0, 20000)
    attempt("sigint_idle", stop, name, signal.SIGINT, stream=False)
    attempt("sigint", stop, name, signal.SIGINT)
    if name.startswith("gunicorn"):
        attempt("sigint_group", stop, name, signal.SIGINT, group=True)
    attempt("sigterm", stop, name, signal.SIGTERM, second_after_ms=36000, observe_ms=3000)
    attempt("sigint_ignored", sigint_ignored, name)
    if long:
        attempt("long", long_stream, name)
    if slow:
        attempt("slow", slow_client, name)
    return result


ONLY = []


def main(argv):
    if "--only" in argv:
        value = argv[argv.index("--only") + 1]
        ONLY.extend(value.split(","))
        argv = [a for a in argv if a != value]
    args = [a for a in argv[1:] if not a.startswith("--")]
    json_path = None
    if "--json" in argv:
        json_path = argv[argv.index("--json") + 1]
        args = [a for a in args if a != json_path]
    names = args or list(SERVERS)
    for n in names:
        if n not in SERVERS:
            print(f"unknown server {n}; known: {', '.join(SERVERS)}", file=sys.stderr)
            return 2
    results = [run(n, long="--long" in argv, slow="--slow" in argv) for n in names]
    if json_path:
        with open(json_path, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
