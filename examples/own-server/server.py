"""A server of your own, outside the suite: Python's standard library only, one SSE stream per thread.

It knows nothing of the suite: it reads PORT (the suite gives it a free one), serves GET /events with
a `retry:` field and a `tick` event every second, and stops on Ctrl-C. Its target file, target.json,
tells the suite how to start it and that it offers nothing more than a black box with a process.
"""
import os
import signal
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path.split("?")[0] != "/events":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache, no-transform")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 2000\n\n")
            self.wfile.flush()
            n = 0
            while True:
                n += 1
                self.wfile.write(f"event: tick\ndata: {n}\n\n".encode())
                self.wfile.flush()
                time.sleep(1)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def stop(*_):
    raise SystemExit(0)


def main():
    # Ctrl-C and SIGTERM: stop serving and exit 0. The handlers come before the socket: the server
    # listens from its constructor, so a signal can come as soon as the port accepts, before
    # serve_forever(); and the try covers the constructor for the same reason.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    server = None
    try:
        server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8080"))), Handler)
        server.daemon_threads = True
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        if server is not None:
            server.server_close()


if __name__ == "__main__":
    main()
