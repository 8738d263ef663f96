"""`make bench`: the production server under wrk, page by page, uncached and cached.

1. The benchmark database (PostgreSQL, BENCH_DATABASE_URL, default historiography_bench)
   with the default-size synthetic data: migrated and generated here when missing.
2. bench/probe.py picks the pages, logs the instructor in and counts SQL queries per page
   in-process (test client on the same database).
3. gunicorn (config/gunicorn.conf.py, DEBUG off, CONN_MAX_AGE=600, Redis cache) on a
   free port of 127.0.0.1, first with the page cache off, then on; wrk drives each page
   from its own process for --seconds at --connections, after a short warm-up.
4. One table: requests per second, p50/p95/p99 latency, queries per request and the ratio
   to the minimal view measured on the same server in the same run; then memory per worker.

Everything is bounded in time: each wrk run by its duration, each subprocess by a timeout.
"""

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime

from common import PYTHON, ROOT, Server, ensure_database, ensure_wrk, get_status, log, server_env, wrk

TARGET_UNCACHED = 0.2
TARGET_CACHED = 0.7
TARGET_P99_MS = 150
TARGET_SEARCH_P95_MS = 50
ANONYMOUS_PAGES = {"home", "question", "schools matrix", "argument list, filtered", "search", "API list"}


def probe(env):
    result = subprocess.run([PYTHON, "bench/probe.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(server, info, args, label):
    results = {}
    names = ["minimal view"] + [name for name in info["pages"] if name != "minimal view"]  # the baseline first
    for name in names:
        path = info["pages"][name]
        # As browsers do: the page cache then sends its gzipped copy (nothing else compresses).
        headers = ["Accept-Encoding: gzip"] if args.gzip else []
        if name == "instructor's board":
            headers.append(f"Cookie: {info['board_cookie']}")
        url = server.base + path
        status = get_status(url, timeout=60, headers=dict(h.split(": ", 1) for h in headers))
        if status != 200:  # e.g. the data regenerated under us, and the instructor's session with it
            raise RuntimeError(f"{name} ({path}) answers {status}, not 200")
        wrk(url, seconds=args.warmup, connections=args.connections, headers=headers)
        server.drain()
        results[name] = wrk(url, seconds=args.seconds, connections=args.connections, headers=headers)
        server.drain()
        r = results[name]
        log(
            f"  {label:8} {name:26} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.1f}  p99 "
            f"{r['p99_ms']:6.1f} ms  errors {r['non_2xx_3xx'] + r['socket_errors']}"
        )
    return results


def row(name, queries, result, minimal):
    ratio = result["rps"] / max(minimal["rps"], 1e-9)
    errors = result["non_2xx_3xx"] + result["socket_errors"]
    return (
        f"| {name} | {queries} | {result['rps']:.0f} | {result['p50_ms']:.1f} | {result['p95_ms']:.1f} | "
        f"{result['p99_ms']:.1f} | {ratio:.{2 if ratio >= 0.1 else 3}f} | {errors} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page and mode")
    parser.add_argument("--warmup", type=int, default=2, help="wrk warm-up per page, not counted")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the gunicorn config's)")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--no-gzip", dest="gzip", action="store_false", help="wrk without Accept-Encoding: gzip")
    args = parser.parse_args()
    started = time.monotonic()

    ensure_wrk()
    ensure_database(server_env())
    info = probe(server_env())
    facts = info["facts"]
    log(f"Pages: {json.dumps(info['pages'], indent=1)}\nData: {facts}")

    runs, memory = {}, {}
    for label, seconds in (("uncached", 0), ("cached", 600)):
        log(f"gunicorn, page cache {'on' if seconds else 'off'}:")
        with Server(server_env(page_cache_seconds=seconds), workers=args.workers) as server:
            runs[label] = measure(server, info, args, label)
            memory[label] = server.worker_memory()
            workers = len(server.worker_pids())
        log(f"  worker memory (RSS, PSS MiB): {[(round(r), round(p)) for r, p in memory[label]]}")
    # Search's own latency, without queueing behind 15 other connections.
    with Server(server_env(page_cache_seconds=0), workers=args.workers) as server:
        search_alone = wrk(server.base + info["pages"]["search"], seconds=args.seconds, connections=1, threads=1)

    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with open("/proc/loadavg") as loadavg:
        load = loadavg.read().split()[:3]
    print()
    print(
        f"`make bench`, {when}: {facts['arguments']:,} arguments "
        f"({facts['question arguments']} on the question, 20 a side per page, "
        f"{facts['board submissions']} submissions on the board); gunicorn {workers} sync workers, "
        f"wrk {args.connections} connections{' with Accept-Encoding: gzip' if args.gzip else ''}, "
        f"{args.seconds} s per page and mode; "
        f"load average at the end {' '.join(load)}."
    )
    for label in ("uncached", "cached"):
        minimal = runs[label]["minimal view"]
        queries = info["queries"] if label == "uncached" else info["cached_queries"]
        print()
        print(
            f"{label.capitalize()} (page cache {'off' if label == 'uncached' else 'on: anonymous pages from Redis'}):"
        )
        print()
        print("| page | queries | req/s | p50 ms | p95 ms | p99 ms | × minimal | errors |")
        print("| --- | --: | --: | --: | --: | --: | --: | --: |")
        for name, result in runs[label].items():
            print(row(name, queries[name], result, minimal))
    print()
    print(
        f"Search alone (1 connection, uncached): p50 {search_alone['p50_ms']:.1f} ms, "
        f"p95 {search_alone['p95_ms']:.1f} ms, p99 {search_alone['p99_ms']:.1f} ms."
    )
    for label in ("uncached", "cached"):
        rss = [r for r, _ in memory[label]]
        pss = [p for _, p in memory[label]]
        if rss:
            print(
                f"Memory per worker after the {label} run: RSS "
                f"{min(rss):.0f}–{max(rss):.0f} MiB, PSS {min(pss):.0f}–{max(pss):.0f} MiB."
            )

    print()
    misses = []
    for name, result in runs["uncached"].items():
        ratio = result["rps"] / max(runs["uncached"]["minimal view"]["rps"], 1e-9)
        if name != "minimal view" and ratio < TARGET_UNCACHED:
            misses.append(f"{name}: uncached {ratio:.2f} × minimal (target {TARGET_UNCACHED})")
        if result["p99_ms"] >= TARGET_P99_MS:
            misses.append(f"{name}: uncached p99 {result['p99_ms']:.0f} ms (target < {TARGET_P99_MS})")
    for name in ANONYMOUS_PAGES:
        ratio = runs["cached"][name]["rps"] / max(runs["cached"]["minimal view"]["rps"], 1e-9)
        if ratio < TARGET_CACHED:
            misses.append(f"{name}: cached {ratio:.2f} × minimal (target {TARGET_CACHED})")
    if search_alone["p95_ms"] >= TARGET_SEARCH_P95_MS:
        misses.append(f"search alone: p95 {search_alone['p95_ms']:.0f} ms (target < {TARGET_SEARCH_P95_MS})")
    print("Targets missed: " + ("; ".join(misses) if misses else "none."))
    print(f"({time.monotonic() - started:.0f} s)")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(
                {"when": when, "info": info, "runs": runs, "memory": memory, "search_alone": search_alone},
                out,
                indent=1,
            )


if __name__ == "__main__":
    sys.exit(main())
