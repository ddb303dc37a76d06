"""
The clients of probe.py: a seed server started as the suite starts it (its records, stderr and
exit, each wait bounded), and a raw SSE stream whose close can be a FIN or an RST and whose chunked
body is decoded by hand.
"""
import http.client
import json
import os
import re
import select
import signal
import socket
import struct
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"


def now():
    return time.monotonic() * 1000


def r1(x):
    return None if x is None else round(x, 1)



class Server:
    def __init__(self, name, env=None, sigint="default"):
        self.name = name
        e = {k: v for k, v in os.environ.items() if not re.fullmatch(r"TEST|VITEST.*|NODE_ENV|CI|PYTHON.*", k)}
        e.update(PORT="0", SSE_OBSERVATIONS="ndjson", SSE_CONTROL="1")
        e.update(env or {})

        def child_setup():
            # The dispositions the child starts with: SIGINT default (Python then installs its
            # KeyboardInterrupt handler) or ignored (it must then stay ignored).
            signal.signal(signal.SIGINT, signal.SIG_IGN if sigint == "ignored" else signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

        self.started_at = now()
        self.proc = subprocess.Popen([PYTHON, os.path.join(HERE, "serve.py"), name], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=e, start_new_session=True, preexec_fn=child_setup)
        self.records, self.noise, self.stderr = [], [], []
        self.cond = threading.Condition()
        self.exit_at = None
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        threading.Thread(target=self._wait, daemon=True).start()
        self.port = None

    def _read_stdout(self):
        for raw in self.proc.stdout:
            at = now()
            line = raw.decode("utf-8", "replace").rstrip("\n")
            record = None
            if line.startswith("{"):
                try:
                    record = json.loads(line)
                except ValueError:
                    pass
            with self.cond:
                if isinstance(record, dict) and "type" in record:
                    record["at"] = at
                    self.records.append(record)
                else:
                    self.noise.append((at, line))
                self.cond.notify_all()

    def _read_stderr(self):
        for raw in self.proc.stderr:
            with self.cond:
                self.stderr.append((now(), raw.decode("utf-8", "replace").rstrip("\n")))
                self.cond.notify_all()

    def _wait(self):
        self.proc.wait()
        with self.cond:
            self.exit_at = now()
            self.cond.notify_all()

    def wait_record(self, test, timeout_ms, since=0.0):
        deadline = now() + timeout_ms
        with self.cond:
            while True:
                for r in self.records:
                    if r["at"] >= since and test(r):
                        return r
                left = deadline - now()
                if left <= 0:
                    return None
                self.cond.wait(left / 1000)

    def of(self, kind, **match):
        with self.cond:
            return [r for r in self.records if r["type"] == kind and all(r.get(k) == v for k, v in match.items())]

    def ready(self, timeout_ms=15000):
        record = self.wait_record(lambda r: r["type"] == "listening", timeout_ms)
        if record is None:
            raise RuntimeError(f"{self.name}: no listening record; stderr: {self.stderr_text()[-500:]}")
        self.port = int(record["port"])
        self.listening = record
        return self

    def wait_exit(self, timeout_ms):
        deadline = now() + timeout_ms
        with self.cond:
            while self.exit_at is None and now() < deadline:
                self.cond.wait(0.05)
            return self.exit_at

    def stderr_text(self, since=0.0):
        with self.cond:
            return "\n".join(line for at, line in self.stderr if at >= since)

    def signal(self, sig, group=False):
        at = now()
        if self.exit_at is None:
            try:
                os.killpg(self.proc.pid, sig) if group else os.kill(self.proc.pid, sig)
            except ProcessLookupError:
                pass
        return at

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(5)

    def request(self, method, path, body=None, timeout_ms=3000):
        started = now()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout_ms / 1000)
        try:
            payload = None if body is None else json.dumps(body)
            conn.request(method, path, body=payload, headers={"content-type": "application/json"} if payload else {})
            response = conn.getresponse()
            text = response.read().decode()
            return {"status": response.status, "body": text, "ms": r1(now() - started)}
        except Exception as error:
            return {"status": None, "error": f"{type(error).__name__}: {error}", "ms": r1(now() - started)}
        finally:
            conn.close()


class Stream:
    """A raw SSE client: head, chunked or plain body, events with their arrival times."""

    def __init__(self, port, path="/events", headers=None, connect_timeout=5):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=connect_timeout)
        self.sock.setblocking(False)
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: text/event-stream"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.opened_at = now()
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.cond = threading.Condition()
        self.head = None
        self.head_at = None
        self.events, self.retries, self.comments = [], [], 0
        self.bytes = 0
        self.end = None  # (at, how)
        self.paused = False
        self.closing = False
        self._raw = b""
        self._body = b""
        self._chunked = False
        self._text = ""
        self._event = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while not self.closing:
            if self.paused:
                time.sleep(0.02)
                continue
            try:
                ready, _, _ = select.select([self.sock], [], [], 0.05)
                if not ready:
                    continue
                data = self.sock.recv(65536)
            except (OSError, ValueError) as error:
                if not self.closing:
                    self._finish(f"error: {type(error).__name__}: {error}")
                return
            if not data:
                self._finish("eof")
                return
            self._feed(data, now())

    def _finish(self, how):
        with self.cond:
            if self.end is None:
                self.end = (now(), how)
            self.cond.notify_all()

    def _feed(self, data, at):
        with self.cond:
            self.bytes += len(data)
            if self.head is None:
                self._raw += data
                if b"\r\n\r\n" not in self._raw:
                    return
                head, rest = self._raw.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines[1:]:
                    k, _, v = line.partition(":")
                    headers[k.strip().lower()] = v.strip()
                self.head = {"statusLine": lines[0], "headers": headers}
                self.head_at = at
                self._chunked = "chunked" in headers.get("transfer-encoding", "").lower()
                data = rest
            if self._chunked:
                self._body += data
                while True:
                    if b"\r\n" not in self._body:
                        break
                    size_line, rest = self._body.split(b"\r\n", 1)
                    size = int(size_line.split(b";")[0] or b"0", 16)
                    if size == 0:
                        self.end = (at, "last chunk")
                        self._body = b""
                        break
                    if len(rest) < size + 2:
                        break
                    self._sse(rest[:size].decode("utf-8", "replace"), at)
                    self._body = rest[size + 2:]
            else:
                self._sse(data.decode("utf-8", "replace"), at)
            self.cond.notify_all()

    def _sse(self, text, at):
        self._text += text
        while True:
            m = re.search(r"\r\n|\r|\n", self._text)
            if not m or (m.group() == "\r" and m.end() == len(self._text)):
                return
            line, self._text = self._text[:m.start()], self._text[m.end():]
            if line == "":
                if "data" in self._event:
                    self.events.append({"at": at, "id": self._event.get("id"), "event": self._event.get("event", "message"),
                                        "data": "\n".join(self._event["data"])})
                self._event = {}
            elif line.startswith(":"):
                self.comments += 1
            else:
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "data":
                    self._event.setdefault("data", []).append(value)
                elif field in ("id", "event"):
                    self._event[field] = value
                elif field == "retry":
                    self.retries.append(value)

    def wait(self, test, timeout_ms):
        deadline = now() + timeout_ms
        with self.cond:
            while not test(self):
                left = deadline - now()
                if left <= 0 or (self.end is not None and not test(self)):
                    return test(self)
                self.cond.wait(min(left, 50) / 1000)
            return True

    def wait_head(self, timeout_ms):
        self.wait(lambda s: s.head is not None, timeout_ms)
        return self.head

    def wait_event(self, test, timeout_ms):
        found = []

        def check(s):
            for e in s.events:
                if test(e):
                    found.append(e)
                    return True
            return False

        self.wait(check, timeout_ms)
        return found[0] if found else None

    def close_fin(self):
        at = now()
        self.closing = True
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.sock.close()
        return at

    def close_rst(self):
        at = now()
        self.closing = True
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.sock.close()
        return at

    def destroy(self):
        if not self.closing:
            self.close_rst()

