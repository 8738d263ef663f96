"""Search latency by kind of word, in-process, over the benchmark database (run by
bench/run.py with the server's environment; `python bench/search_latency.py` alone too).

Each query is the whole results page (`/search/?q=…`, the page cache off) through Django's
test client, so it counts the SQL, the Python and the template, not the HTTP server. Three
classes of word over the synthetic scholarship: common (each in 8,000–15,000 of the
100,000 arguments), rare (a few hundred arguments, or a name) and misspelt (a letter off:
nothing matches, so the search also tries any word, the names' likeness and "did you
mean"). Each query once to warm up, then `--rounds` times; p50/p95/p99 per class and over
all. Then EXPLAIN (ANALYZE, BUFFERS) of the SQL that one query of each class runs, with the
indexes each plan uses. Prints one JSON object.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

QUERIES = {
    "common": [
        "provinces",
        "economy",
        "archives",
        "church workers",
        "party officials",
        "urban resistance",
        "taxes",
        "shortages",
        "foreign documents",
        "grain procurement",
    ],
    "rare": [
        "tanzimat",
        "jacquerie",
        "flagellants",
        "vandals",
        "sugar islands",
        "opium",
        "abolitionists",
        "sans-culottes",
        "Tarnstad",
        "Castelova",
    ],
    "misspelt": [
        "provinses",
        "econmy",
        "archieves",
        "tanzimatt",
        "jaquerie",
        "flagelants",
        "Tarnstadt",
        "Castelowa",
        "Pellewsky",
        "shortges",
    ],
}
# One query of each class whose SQL is explained.
EXPLAINED = {"common": "grain procurement", "rare": "tanzimat", "misspelt": "Tarnstadt"}
INDEX = re.compile(r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)")


def percentiles(samples):
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(cut[94], 1),
        "p99_ms": round(cut[98], 1),
        "max_ms": round(ordered[-1], 1),
    }


def page(client, text):
    started = time.perf_counter()
    response = client.get("/search/", {"q": text}, SERVER_NAME="127.0.0.1")
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"/search/?q={text} answers {response.status_code}")
    return elapsed


def explain(text):
    """EXPLAIN (ANALYZE, BUFFERS) of every statement `text`'s search runs that reads a
    search index (a tsquery or a trigram match), with the indexes each plan uses."""
    from historiography import search

    with CaptureQueriesContext(connection) as context:
        search.search(text)
    plans = []
    for query in context.captured_queries:
        sql = query["sql"]
        if "@@" not in sql and "%>" not in sql and "<<->" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        plans.append({"sql": sql, "indexes": sorted(set(INDEX.findall(plan))), "plan": plan})
    return {"statements": len(context.captured_queries), "explained": plans}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from historiography import search

    client = Client()
    out, every = {}, []
    with override_settings(PAGE_CACHE_SECONDS=0):
        matches = {}
        for kind, texts in QUERIES.items():
            for text in texts:  # warm-up, and what each finds
                page(client, text)
                results = search.search(text)
                matches[text] = {group.kind: group.count_display for group in results.groups}
            samples = []
            for _round in range(args.rounds):
                for text in texts:
                    samples.append(page(client, text))
            out[kind] = {**percentiles(samples), "queries": texts}
            every += samples
    out["all"] = percentiles(every)
    out["matches"] = matches
    if connection.vendor == "postgresql":
        out["plans"] = {kind: {"query": text, **explain(text)} for kind, text in EXPLAINED.items()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
