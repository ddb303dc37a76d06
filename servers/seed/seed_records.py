"""
The report channel of the seed app: what the server observes, one record per line on stdout.

The same contract as src/observations.ts: SSE_OBSERVATIONS=ndjson (the suite; SSE_REPORT is read
too, the older name) prints each record as one JSON object, anything else a line a person can read.
Every record carries `t`, milliseconds since this module was imported on the monotonic clock, and
`type`.

Records may come from any thread (the server's worker threads, the dispatcher thread, a signal
handler in the main thread): a re-entrant lock keeps each line whole (a signal handler runs between
two bytecodes of the main thread, possibly while that thread holds the lock) and every line is
flushed at once, so that the suite times a record by its arrival.

This module is imported in gunicorn's master before the fork and before gevent monkey-patches the
worker; its lock is then never contended across greenlets, because nothing yields while it is held.
"""
import json
import os
import sys
import threading
import time

_T0 = time.monotonic()
_lock = threading.RLock()


def now_ms() -> float:
    return round((time.monotonic() - _T0) * 1000, 3)


def _format() -> str:
    value = os.environ.get("SSE_OBSERVATIONS") or os.environ.get("SSE_REPORT") or "pretty"
    return "ndjson" if value == "ndjson" else "pretty"


FORMAT = _format()


def _pretty(t: float, kind: str, fields: dict) -> str:
    details = " ".join(f"{k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in fields.items())
    return f"[{t / 1000:9.3f}s] {kind:<18} {details}".rstrip()


def observe(kind: str, **fields) -> None:
    """Writes one record now. Never raises: a closed stdout must not break the server under test."""
    t = now_ms()
    if FORMAT == "ndjson":
        line = json.dumps({"t": t, "type": kind, **fields}, default=str, separators=(",", ":"))
    else:
        line = _pretty(t, kind, fields)
    try:
        with _lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
    except Exception:
        pass


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def install_error_hooks() -> None:
    """
    Errors nobody caught become `uncaught-error` records (an exception that ends a thread, or the
    main thread) and `unraisable` records (an exception in __del__ or a finalizer). The default hook
    still runs afterwards: Python's own printing to stderr is evidence too.
    """
    previous_thread_hook = threading.excepthook

    def thread_hook(args):
        if args.exc_type is not SystemExit:
            observe("uncaught-error", error=f"{args.exc_type.__name__}: {args.exc_value}",
                    thread=args.thread.name if args.thread else None)
        previous_thread_hook(args)

    threading.excepthook = thread_hook

    previous_hook = sys.excepthook

    def main_hook(exc_type, exc_value, tb):
        if exc_type is not KeyboardInterrupt:
            observe("uncaught-error", error=f"{exc_type.__name__}: {exc_value}", thread="MainThread")
        previous_hook(exc_type, exc_value, tb)

    sys.excepthook = main_hook

    previous_unraisable = sys.unraisablehook

    def unraisable_hook(unraisable):
        observe("unraisable", error=f"{unraisable.exc_type.__name__}: {unraisable.exc_value}",
                message=unraisable.err_msg, object=repr(unraisable.object)[:200])
        previous_unraisable(unraisable)

    sys.unraisablehook = unraisable_hook
