"""
Starts the seed's bottle app on one server:

    /usr/bin/python3 servers/seed/serve.py <server>

    wsgiref           bottle.run(server="wsgiref"): bottle's default, single-threaded
    cherrypy          bottle.run(server="cheroot"): CherryPy's HTTP server (bottle's "cherrypy"
                      adapter imports cherrypy.wsgiserver, which CherryPy >= 9 no longer has)
    waitress          bottle.run(server="waitress")
    paste             bottle.run(server="paste")
    gunicorn-sync     gunicorn's arbiter, one worker, -k sync
    gunicorn-gevent   gunicorn's arbiter, one worker, -k gevent

Debian's Python (/usr/bin/python3) has the packages; another python3 on PATH may not.

HOST (default 127.0.0.1) and PORT (default 8080; 0 = ephemeral) say where to listen. The first
record on stdout is `listening`, with the port really bound, printed by a hook of each server once
its socket listens (see README.md). Nothing here changes what a server does on SIGINT or SIGTERM:
SIGINT keeps Python's own handler and is recorded through signal.set_wakeup_fd; SIGTERM, where its
default action is in place, gets a handler that prints the records and re-sends the signal with the
default action restored. gunicorn's arbiter and workers keep their own handlers; a subclass of the
arbiter and gunicorn's server hooks print the records there.
"""
import atexit
import os
import platform
import select
import signal
import sys
import threading
import time

from seed_records import describe, install_error_hooks, observe

SERVERS = ("wsgiref", "cherrypy", "waitress", "paste", "gunicorn-sync", "gunicorn-gevent")
MAIN_PID = os.getpid()
STATE = {"code": None, "signal": None, "reason": "the process ended before the server returned",
         "first_signal_at": None, "signals": 0, "announced": False,
         "dispositions": {}}
_app_holder = {}


def _subscribers():
    app = _app_holder.get("app")
    return app.dispatcher.subscriber_count if app is not None else None


def announce(port, server, config, **extra):
    """The readiness record, once per process tree."""
    if STATE["announced"]:
        return
    STATE["announced"] = True
    host = config["host"]
    fields = {
        "url": f"http://{'[' + host + ']' if ':' in host else host}:{port}",
        "port": port,
        "host": host,
        "runtime": "python",
        "runtimeVersion": platform.python_version(),
        "server": server,
        "framework": "bottle " + __import__("bottle").__version__,
        "pid": os.getpid(),
        # What the process was started with (before the record handlers below, if any).
        "sigint": STATE["dispositions"]["SIGINT"],
        "sigterm": STATE["dispositions"]["SIGTERM"],
        **extra,
    }
    if config["unsupported"]:
        fields["unsupportedSettings"] = config["unsupported"]
    observe("listening", **fields)


def _disposition(signum):
    handler = signal.getsignal(signum)
    if handler is signal.SIG_IGN:
        return "ignored"
    if handler is signal.SIG_DFL:
        return "default"
    if handler is signal.default_int_handler:
        return "KeyboardInterrupt"
    return getattr(handler, "__qualname__", repr(handler))


# ---------------------------------------------------------------------------------------------------
# Records around the default signal behaviour (not for gunicorn, whose arbiter and workers install
# their own handlers; see run_gunicorn)


def _signal_record(name, action):
    STATE["signals"] += 1
    if STATE["first_signal_at"] is None:
        STATE["first_signal_at"] = time.monotonic()
        observe("shutdown-started", signal=name, mode="server-default", action=action, subscribers=_subscribers(),
                thread=threading.current_thread().name)
    else:
        observe("signal-received", signal=name, count=STATE["signals"], action=action, subscribers=_subscribers())


def install_signal_records():
    """
    SIGINT keeps Python's own handler (KeyboardInterrupt in the main thread), untouched: the record
    comes from signal.set_wakeup_fd, to which the C-level handler writes the signal number, read by
    a watcher thread. No Python frame is added to the traceback a server prints, and a SIGINT the
    parent ignored stays ignored (Python then installs no handler, and nothing is written).

    SIGTERM's default action (termination, no Python code runs) cannot be observed that way: where
    it is in place, a handler prints the records and then restores SIG_DFL and re-sends the signal
    to the process, which ends as it would have.
    """
    if threading.current_thread() is threading.main_thread():
        read_end, write_end = os.pipe()
        os.set_blocking(write_end, False)
        os.set_blocking(read_end, False)
        STATE["signal_pipe"] = read_end
        signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)

        def watch():
            while True:
                select.select([read_end], [], [])
                _drain_signal_pipe()

        threading.Thread(target=watch, name="signal-records", daemon=True).start()
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        def on_sigterm(signum, frame):
            _signal_record("SIGTERM", "terminated by the signal (its default action)")
            observe("exit", code=None, signal="SIGTERM", reason="SIGTERM's default action", ms=_ms_since_signal())
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
        signal.signal(signal.SIGTERM, on_sigterm)


def _drain_signal_pipe():
    """Records the signals the C-level handler wrote to the wakeup pipe; called by the watcher
    thread and, once more, by the main thread when the server returns (a daemon thread may not get
    to run before the interpreter exits)."""
    read_end = STATE.get("signal_pipe")
    if read_end is None:
        return
    try:
        data = os.read(read_end, 64)
    except BlockingIOError:
        return
    for signum in data:
        if signum == signal.SIGINT:
            _signal_record("SIGINT", _int_action())


def _int_action():
    handler = signal.getsignal(signal.SIGINT)
    if handler is signal.default_int_handler:
        return "KeyboardInterrupt in the main thread (Python's default)"
    return f"handler {_disposition(signal.SIGINT)}"


def _ms_since_signal():
    first = STATE["first_signal_at"]
    return None if first is None else round((time.monotonic() - first) * 1000)


@atexit.register
def _at_exit():
    # atexit runs after the interpreter joined the non-daemon threads: this record is the last thing
    # the process does. Forked gunicorn workers inherit the registration; they report worker-exit.
    if os.getpid() != MAIN_PID:
        return
    observe("exit", code=STATE["code"], signal=STATE["signal"], reason=STATE["reason"], ms=_ms_since_signal())


def _threads_left():
    return [t.name for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]


# ---------------------------------------------------------------------------------------------------
# The bottle adapters, each with the smallest hook that tells when its socket listens and on which port


def run_bottle(name, config):
    import bottle
    from seed_app import create_app

    label = server_label(name)
    app = create_app(config, label)
    _app_holder["app"] = app
    quiet = config["server_log"] == "quiet"
    host, port = config["host"], config["port"]

    if name == "wsgiref":
        from wsgiref.simple_server import WSGIServer

        class AnnouncingWSGIServer(WSGIServer):
            def serve_forever(self, poll_interval=0.5):
                announce(self.server_address[1], label, config, adapter="wsgiref")
                super().serve_forever(poll_interval)

        # server_class is an option of bottle's WSGIRefServer adapter; its FixedHandler stays.
        bottle.run(app, server="wsgiref", host=host, port=port, quiet=quiet, server_class=AnnouncingWSGIServer)

    elif name == "cherrypy":
        import cheroot.wsgi

        # The hook wraps a method of cheroot's own class: replacing the class would break its
        # `super(Server, self)` calls, which look the name up in the module.
        prepare = cheroot.wsgi.Server.prepare

        def prepare_and_announce(self):
            prepare(self)  # binds, listens, starts the thread pool
            announce(self.bind_addr[1], label, config, adapter="cheroot",
                     threads=self.requests.min)

        cheroot.wsgi.Server.prepare = prepare_and_announce
        bottle.run(app, server="cheroot", host=host, port=port, quiet=quiet)

    elif name == "waitress":
        import waitress

        create_server = waitress.create_server

        def create_and_announce(application, **kw):
            server = create_server(application, **kw)  # the socket listens once this returns
            announce(int(server.effective_port), label, config,
                     adapter="waitress", threads=server.adj.threads)
            return server

        waitress.create_server = create_and_announce  # serve() looks it up when it runs
        # serve() calls logging.basicConfig() (root at WARNING), so its "Serving on" INFO line is
        # not printed in either SSE_SERVER_LOG mode; waitress has no access log.
        bottle.run(app, server="waitress", host=host, port=port, quiet=quiet)

    elif name == "paste":
        import paste.httpserver

        serve_forever = paste.httpserver.WSGIThreadPoolServer.serve_forever

        def announce_and_serve_forever(self, *args, **kwargs):
            announce(self.server_address[1], label, config, adapter="paste",
                     threads=self.thread_pool.nworkers)
            return serve_forever(self, *args, **kwargs)

        paste.httpserver.WSGIThreadPoolServer.serve_forever = announce_and_serve_forever
        bottle.run(app, server="paste", host=host, port=port, quiet=quiet)


def server_label(name):
    """What serves the app, as the `listening` record and /stats name it."""
    if name == "wsgiref":
        return f"wsgiref (Python {platform.python_version()})"
    if name == "cherrypy":
        return f"cheroot {_version('cheroot')} (CherryPy's HTTP server, bottle's cheroot adapter)"
    if name == "waitress":
        return f"waitress {_version('waitress')}"
    if name == "paste":
        return f"paste.httpserver {_version('paste')}"
    return f"gunicorn {_version('gunicorn')} ({name.split('-', 1)[1]} worker)"


def _version(dist):
    import importlib.metadata
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


# ---------------------------------------------------------------------------------------------------
# gunicorn, started programmatically (bottle's GunicornServer adapter is marked "Untested" and builds
# gunicorn.app.base.Application, which parses sys.argv as gunicorn's own command line)


def run_gunicorn(name, config):
    from gunicorn.app.base import BaseApplication
    from gunicorn.arbiter import Arbiter

    worker_class = name.split("-", 1)[1]
    label = server_label(name)

    def post_worker_init(worker):
        # In the worker, after the app is loaded and (gevent) after monkey-patching, just before its
        # accept loop. The master bound the socket; PORT=0 gives the ephemeral port read here.
        port = worker.sockets[0].getsockname()[1]
        if worker.age == 1:
            announce(port, label, config, adapter="gunicorn", workerClass=worker_class, masterPid=MAIN_PID,
                     workers=worker.cfg.workers, timeout=worker.cfg.timeout, gracefulTimeout=worker.cfg.graceful_timeout)
        else:
            observe("worker-started", pid=os.getpid(), age=worker.age, port=port)

    def worker_int(worker):
        observe("worker-int", pid=os.getpid(), subscribers=_subscribers(), action="sys.exit(0) after 0.1 s")

    def worker_abort(worker):
        observe("worker-abort", pid=os.getpid(), subscribers=_subscribers(), action="sys.exit(1)")

    def worker_exit(arbiter, worker):
        observe("worker-exit", pid=worker.pid, subscribers=_subscribers(), ms=_ms_since_signal())

    def on_exit(arbiter):
        observe("master-exiting", ms=_ms_since_signal())

    class SeedArbiter(Arbiter):
        """gunicorn's own handling, with a record first."""

        def _record(self, name, action):
            _signal_record(name, action)

        def handle_int(self):
            self._record("SIGINT", "gunicorn: quick stop (SIGQUIT to workers), SIGKILL after graceful_timeout")
            super().handle_int()

        def handle_term(self):
            self._record("SIGTERM", "gunicorn: graceful stop (SIGTERM to workers), SIGKILL after graceful_timeout")
            super().handle_term()

        def handle_quit(self):
            self._record("SIGQUIT", "gunicorn: quick stop")
            super().handle_quit()

    class SeedApplication(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"[{config['host']}]:{config['port']}" if ":" in config["host"] else f"{config['host']}:{config['port']}")
            self.cfg.set("worker_class", worker_class)
            self.cfg.set("workers", 1)  # one dispatcher: /control/publish must reach every stream
            if config["server_log"] == "quiet":
                self.cfg.set("loglevel", "warning")  # no INFO lines at start and stop
            self.cfg.set("post_worker_init", post_worker_init)
            self.cfg.set("worker_int", worker_int)
            self.cfg.set("worker_abort", worker_abort)
            self.cfg.set("worker_exit", worker_exit)
            self.cfg.set("on_exit", on_exit)

        def load(self):
            # In the worker (no preload): the dispatcher thread must start after the fork and, for
            # gevent, after monkey-patching.
            from seed_app import create_app
            app = create_app(config, label)
            _app_holder["app"] = app
            return app

        def run(self):
            SeedArbiter(self).run()

    SeedApplication().run()


# ---------------------------------------------------------------------------------------------------


def main(argv):
    if len(argv) != 2 or argv[1] not in SERVERS:
        print(f"usage: {argv[0]} <{'|'.join(SERVERS)}>", file=sys.stderr)
        STATE.update(code=2, reason="usage")
        return 2
    name = argv[1]
    # Not seed_app: it imports bottle, which a gevent worker must import only after monkey-patching.
    from seed_config import ConfigError, read_config
    try:
        config = read_config()
    except ConfigError as error:
        print(f"sse-compat seed: {error}", file=sys.stderr)
        STATE.update(code=2, reason=f"configuration: {error}")
        return 2
    install_error_hooks()
    STATE["dispositions"] = {"SIGINT": _disposition(signal.SIGINT), "SIGTERM": _disposition(signal.SIGTERM)}
    if name.startswith("gunicorn-"):
        runner = run_gunicorn
    else:
        install_signal_records()
        runner = run_bottle
    try:
        try:
            runner(name, config)
        finally:
            _drain_signal_pipe()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        STATE.update(code=code, reason=f"SystemExit({exit_.code!r})")
        if os.getpid() == MAIN_PID:
            observe("server-returned", how="SystemExit", code=code, threadsLeft=_threads_left(), subscribers=_subscribers())
        raise
    except KeyboardInterrupt:
        STATE.update(code=None, signal="SIGINT", reason="KeyboardInterrupt escaped: Python ends by SIGINT")
        observe("server-returned", how="KeyboardInterrupt", threadsLeft=_threads_left(), subscribers=_subscribers())
        raise
    except BaseException as error:
        STATE.update(code=1, reason=describe(error))
        observe("server-returned", how="exception", error=describe(error), threadsLeft=_threads_left())
        raise
    STATE.update(code=0, reason="the server's run returned")
    observe("server-returned", how="returned", threadsLeft=_threads_left(), subscribers=_subscribers())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
