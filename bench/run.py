"""`make bench`: the production server under wrk, page by page, in three modes: uncached
(page cache off), anonymous-cached (page cache on, no session) and logged-in (page cache
on, every request with a student's session; the instructor's board with the instructor's).

1. The benchmark database (PostgreSQL, BENCH_DATABASE_URL, default historiography_bench)
   with the default-size synthetic data: migrated and generated here when missing.
2. bench/probe.py picks the pages, logs the instructor in and counts SQL queries per page
   in-process (test client on the same database).
3. gunicorn (config/gunicorn.conf.py, DEBUG off, CONN_MAX_AGE=600, Redis cache) on a
   free port of 127.0.0.1, first with the page cache off, then on; wrk drives each page
   from its own process for --seconds at --connections, after a short warm-up.
4. One table per mode: requests per second, p50/p95/p99 latency, queries per request and
   the ratio to the minimal view measured in the same mode in the same run; memory per
   worker; then search alone: bench/search_latency.py's p50/p95/p99 for common, rare and
   misspelt words over the 100,000 arguments, with the plans of their SQL.
5. bench/results.json: every page and mode, and search's percentiles.

Everything is bounded in time: each wrk run by its duration, each subprocess by a timeout.
"""

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime

from common import PYTHON, ROOT, Server, ensure_database, ensure_wrk, get_status, log, server_env, wrk

RESULTS = ROOT / "bench" / "results.json"
PLANS = ROOT / "bench" / "search_plans.txt"
MODES = {
    "uncached": "page cache off; public pages anonymous",
    "anonymous-cached": "page cache on; public pages anonymous, from Redis",
    "logged-in": "page cache on; every request with a student's session",
}

TARGET_LOGGED_IN = 0.2
TARGET_PER_USER = 0.05
TARGET_CACHED = 0.7
TARGET_P99_MS = 150
TARGET_PER_USER_P99_MS = 250
TARGET_SEARCH_P95_MS = 50
ANONYMOUS_PAGES = {"home", "question", "schools matrix", "argument list, filtered", "search", "historian", "API list"}


def probe(env, script="bench/probe.py", *args):
    result = subprocess.run([PYTHON, script, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def cookie(info, name, mode):
    """The session a page is read with in `mode`: a per-user page its user's always; every
    other page the student's in the logged-in mode, none otherwise."""
    user = info["per_user"].get(name) or ("student" if mode == "logged-in" else None)
    return {"instructor": info["board_cookie"], "student": info["student_cookie"], None: None}[user]


def measure(server, info, args, label):
    results = {}
    names = ["minimal view"] + [name for name in info["pages"] if name != "minimal view"]  # the baseline first
    for name in names:
        path = info["pages"][name]
        # As browsers do: the page cache then sends its gzipped copy (nothing else compresses).
        headers = ["Accept-Encoding: gzip"] if args.gzip else []
        if cookie(info, name, label):
            headers.append(f"Cookie: {cookie(info, name, label)}")
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
            f"  {label:16} {name:26} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.1f}  p99 "
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


def table(label, runs, queries):
    minimal = runs["minimal view"]
    lines = [
        f"{label} ({MODES[label]}):",
        "",
        "| page | queries | req/s | p50 ms | p95 ms | p99 ms | × minimal | errors |",
        "| --- | --: | --: | --: | --: | --: | --: | --: |",
    ]
    lines += [row(name, queries[name], result, minimal) for name, result in runs.items()]
    return lines


def targets_missed(runs, search):
    """The issue's targets: every page as a logged-in user reads it (public pages with a
    student's session, per-user pages with their user's), anonymous cached pages, search.
    The uncached mode is the reference for the worst case, with no target of its own."""
    misses = []
    minimal = runs["logged-in"]["minimal view"]["rps"]
    for name, result in runs["logged-in"].items():
        if name == "minimal view":
            continue
        ratio = result["rps"] / max(minimal, 1e-9)
        per_user = name in ("instructor's board", "student's assignment page")
        target, p99 = (TARGET_PER_USER, TARGET_PER_USER_P99_MS) if per_user else (TARGET_LOGGED_IN, TARGET_P99_MS)
        if ratio < target:
            misses.append(f"{name}: logged-in {ratio:.3f} × minimal (target {target})")
        if result["p99_ms"] >= p99:
            misses.append(f"{name}: logged-in p99 {result['p99_ms']:.0f} ms (target < {p99})")
    minimal = runs["anonymous-cached"]["minimal view"]["rps"]
    for name in ANONYMOUS_PAGES:
        ratio = runs["anonymous-cached"][name]["rps"] / max(minimal, 1e-9)
        if ratio < TARGET_CACHED:
            misses.append(f"{name}: anonymous-cached {ratio:.2f} × minimal (target {TARGET_CACHED})")
    for kind in ("common", "rare", "misspelt"):
        if search[kind]["p95_ms"] >= TARGET_SEARCH_P95_MS:
            misses.append(
                f"search, {kind} words: p95 {search[kind]['p95_ms']:.0f} ms (target < {TARGET_SEARCH_P95_MS})"
            )
    return misses


def write_plans(search):
    """The EXPLAIN ANALYZE of each word class's search SQL, for the README's claims."""
    out = []
    for kind, explained in search.get("plans", {}).items():
        out.append(f"== {kind} words: {explained['query']!r} ({explained['statements']} statements in all)")
        for statement in explained["explained"]:
            out += ["", statement["sql"], "", statement["plan"], ""]
    PLANS.write_text("\n".join(out) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page and mode")
    parser.add_argument("--warmup", type=int, default=2, help="wrk warm-up per page, not counted")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the gunicorn config's)")
    parser.add_argument("--rounds", type=int, default=5, help="search latency: rounds over the 30 queries")
    parser.add_argument("--json", default=str(RESULTS), help="where the results go (default bench/results.json)")
    parser.add_argument("--no-gzip", dest="gzip", action="store_false", help="wrk without Accept-Encoding: gzip")
    args = parser.parse_args()
    started = time.monotonic()

    ensure_wrk()
    ensure_database(server_env())
    info = probe(server_env())
    facts = info["facts"]
    log(f"Pages: {json.dumps(info['pages'], indent=1)}\nData: {facts}")

    runs, memory = {}, {}
    for seconds, labels in ((0, ["uncached"]), (600, ["anonymous-cached", "logged-in"])):
        log(f"gunicorn, page cache {'on' if seconds else 'off'}:")
        with Server(server_env(page_cache_seconds=seconds), workers=args.workers) as server:
            for label in labels:
                runs[label] = measure(server, info, args, label)
                memory[label] = server.worker_memory()
            workers = len(server.worker_pids())
        log(f"  worker memory (RSS, PSS MiB): {[(round(r), round(p)) for r, p in memory[labels[-1]]]}")
    log("Search latency by kind of word (in-process)…")
    search = probe(server_env(), "bench/search_latency.py", "--rounds", str(args.rounds))
    write_plans(search)

    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with open("/proc/loadavg") as loadavg:
        load = loadavg.read().split()[:3]
    queries = {"uncached": info["queries"], "anonymous-cached": info["cached_queries"]}
    queries["logged-in"] = info["logged_in_queries"]
    lines = [
        f"`make bench`, {when}: {facts['arguments']:,} arguments "
        f"({facts['question arguments']} on the question, {facts['historian arguments']} by the historian, "
        f"{facts['board submissions']} submissions on the board); gunicorn {workers} sync workers, "
        f"wrk {args.connections} connections{' with Accept-Encoding: gzip' if args.gzip else ''}, "
        f"{args.seconds} s per page and mode; load average at the end {' '.join(load)}.",
    ]
    for label in MODES:
        lines += ["", *table(label, runs[label], queries[label])]
    lines += [
        "",
        "| search (in-process, whole page) | queries | p50 ms | p95 ms | p99 ms |",
        "| --- | --- | --: | --: | --: |",
    ]
    for kind in ("common", "rare", "misspelt", "all"):
        r = search[kind]
        lines.append(f"| {kind} words | {r['n']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} |")
    for kind, explained in search.get("plans", {}).items():
        indexes = sorted({index for statement in explained["explained"] for index in statement["indexes"]})
        lines.append(f"Plan of {explained['query']!r} ({kind}): {', '.join(indexes) or 'no index'}.")
    for label in MODES:
        rss = [r for r, _ in memory[label]]
        pss = [p for _, p in memory[label]]
        if rss:
            lines.append(
                f"Memory per worker after the {label} run: RSS {min(rss):.0f}–{max(rss):.0f} MiB, "
                f"PSS {min(pss):.0f}–{max(pss):.0f} MiB."
            )
    misses = targets_missed(runs, search)
    lines += [
        "",
        "Targets missed: " + ("; ".join(misses) if misses else "none."),
        f"({time.monotonic() - started:.0f} s)",
    ]
    print("\n".join(lines))

    pages = []
    for label in MODES:
        minimal = runs[label]["minimal view"]["rps"]
        for name, r in runs[label].items():
            pages.append(
                {
                    "page": name,
                    "mode": label,
                    "rps": round(r["rps"], 1),
                    "p50_ms": round(r["p50_ms"], 1),
                    "p95_ms": round(r["p95_ms"], 1),
                    "p99_ms": round(r["p99_ms"], 1),
                    "ratio": round(r["rps"] / max(minimal, 1e-9), 4),
                    "queries": queries[label][name],
                    "errors": r["non_2xx_3xx"] + r["socket_errors"],
                }
            )
    everything = search["all"]
    summary = {
        "p50_ms": everything["p50_ms"],
        "p95_ms": everything["p95_ms"],
        "p99_ms": everything["p99_ms"],
        **{kind: search[kind] for kind in ("common", "rare", "misspelt")},
        "matches": search["matches"],
        "plans": {
            kind: {
                "query": explained["query"],
                "indexes": sorted({i for statement in explained["explained"] for i in statement["indexes"]}),
            }
            for kind, explained in search.get("plans", {}).items()
        },
    }
    with open(args.json, "w") as out:
        json.dump(
            {
                "when": when,
                "load_average": load,
                "facts": facts,
                "workers": workers,
                "pages": pages,
                "search": summary,
                "memory_mib": memory,
                "targets_missed": misses,
            },
            out,
            indent=1,
        )
        out.write("\n")


if __name__ == "__main__":
    sys.exit(main())
