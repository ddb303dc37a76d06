"""The seed app's settings, read from the environment (names and ranges of src/config.ts).

Apart from seed_app so that the launcher can check them before anything imports bottle: under
gunicorn's gevent worker, bottle must be imported after gevent's monkey-patching, or its request and
response objects (threading.local, created at import) are shared by every greenlet of the worker.
"""
import json
import os
import re


class ConfigError(Exception):
    pass


def _integer(name, fallback, low, high):
    raw = os.environ.get(name, "")
    if raw == "":
        return fallback
    if not re.fullmatch(r"[0-9]+", raw) or not low <= int(raw) <= high:
        raise ConfigError(f"{name} must be an integer from {low} to {high}, got {json.dumps(raw)}")
    return int(raw)


def _one_of(name, fallback, allowed):
    raw = os.environ.get(name, "")
    if raw == "":
        return fallback
    if raw not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, got {json.dumps(raw)}")
    return raw


def _origins(name):
    """SSE_CORS_ORIGINS as src/config.ts reads it: exact origins, comma-separated."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return []
    origins = [entry.strip() for entry in raw.split(",")]
    for origin in origins:
        if not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ConfigError(f"{name}: {json.dumps(origin)} is not an origin (scheme://host[:port], no path)")
    return origins


# Settings of the TS app that this app does not have. Accepted (a check that sets one still gets a
# server) and named in the `listening` record, never silently honoured.
UNSUPPORTED = {
    "SSE_SHUTDOWN": "the seed has no shutdown handling of its own: each server's default applies",
    "SSE_GRACE_MS": "no shutdown handling of its own",
    "SSE_OVERFLOW_POLICY": "the seed drops the message that does not fit (drop-newest), always",
    "SSE_QUEUE_LIMIT_BYTES": "the client queue is bounded in messages (SSE_CLIENT_QUEUE), as the seed's queue.Queue(maxsize)",
}


def read_config():
    return {
        "host": os.environ.get("HOST") or "127.0.0.1",
        "port": _integer("PORT", 8080, 0, 65535),
        "producer_ms": _integer("SSE_PRODUCER_MS", 100, 0, 3_600_000),
        "heartbeat_ms": _integer("SSE_HEARTBEAT_MS", 5000, 0, 3_600_000),
        "retry_ms": _integer("SSE_RETRY_MS", 2000, 0, 3_600_000),
        "replay_limit": _integer("SSE_REPLAY_LIMIT", 1000, 0, 1_000_000),
        "replay_limit_bytes": _integer("SSE_REPLAY_LIMIT_BYTES", 8 * 1024 * 1024, 0, 1024 * 1024 * 1024),
        "client_queue": _integer("SSE_CLIENT_QUEUE", 100, 1, 1_000_000),
        "control": _one_of("SSE_CONTROL", "0", ["0", "1"]) == "1",
        "cors_origins": _origins("SSE_CORS_ORIGINS"),
        "server_log": _one_of("SSE_SERVER_LOG", "quiet", ["quiet", "default"]),
        "unsupported": {k: os.environ[k] for k in UNSUPPORTED if os.environ.get(k)},
    }
