"""Search latency on 10,000 generated knowledge-bank articles (R2; issue: search).

For each database it starts a fresh interpreter against a throw-away database: SQLite in a
temporary directory, and PostgreSQL when reachable (a database of its own, created and
dropped here; the server's other databases are not touched). The worker migrates, loads the
demo content, generates the articles from the demo content's own words (half Swedish, half
English, reproducible with --seed), builds the search index, and times queries two ways:

- ``selector``: ``hedershus.cms.selectors.pages_search()``, the database query alone;
- ``view``: a POST to /sv/search/ or /en/search/ through Django's test client, as a visitor's
  search is answered (middleware, query, template).

Loopback and local files only; every loop is bounded.

For PostgreSQL it also prints ``EXPLAIN ANALYZE`` of the statements of the visitor's
search (the tier counts, then the ranked first page) for one common word and for two words,
to show which indexes they read.

``--keep DIR`` keeps the SQLite file and the PostgreSQL database (named by --bench-database)
after the run and reuses them when they already hold the articles, so that another version
of the code (``--code DIR``: a checkout of an older commit, e.g. from ``git archive``) can be
measured on the same data in the same sitting.

    .venv/bin/python bench/search_latency.py [--articles 10000] [--queries 60]
        [--postgres postgres://postgres@127.0.0.1:5432/test] [--bench-database hedershus_bench]
        [--no-postgres] [--keep DIR] [--code DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATABASE = "hedershus_bench"

# The query mix: a common word, a rarer word, two words, and a common word with filters.
QUERY_KINDS = ("one common word", "one rare word", "two words", "common word + audience + topic")


# --- The worker: runs inside a fresh interpreter with DATABASE_URL set ----------------------------


def _words(text: str) -> list[str]:
    return list(re.findall(r"[^\W\d_]{4,}", text.lower()))


def _generate(articles: int, seed: int) -> dict[str, list[str]]:
    """Creates the articles under each language's knowledge bank; returns each language's words."""
    from django.conf import settings
    from django.db import transaction
    from wagtail.models import Locale, Page
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from hedershus.cms.demo import _translation_key, demo_content_load, read_sources
    from hedershus.cms.models import ArticlePage, Audience, Topic

    demo_content_load()
    vocabulary: dict[str, list[str]] = {}
    for source in read_sources():
        vocabulary.setdefault(source.lang, []).extend(_words(source.title + " " + source.body_html))
    rng = random.Random(seed)
    # Indexing in bulk afterwards is what `update_index` does; page by page it would dominate.
    backend: dict[str, Any] = settings.WAGTAILSEARCH_BACKENDS["default"]
    backend["AUTO_UPDATE"] = False
    per_language = articles // 2
    with disable_reference_index_auto_update():
        for language in ("sv", "en"):
            locale = Locale.objects.get(language_code=language)
            parent = Page.objects.get(translation_key=_translation_key("knowledge-bank"), locale=locale)
            words = vocabulary[language]
            for start in range(0, per_language, 500):
                with transaction.atomic():
                    for number in range(start, min(start + 500, per_language)):
                        title = " ".join(rng.choice(words) for _ in range(rng.randint(3, 7))).capitalize()
                        paragraphs = [
                            " ".join(rng.choice(words) for _ in range(rng.randint(40, 90)))
                            for _ in range(rng.randint(3, 8))
                        ]
                        page = ArticlePage(
                            title=title,
                            slug=f"generated-{number}",
                            locale=locale,
                            intro=" ".join(rng.choice(words) for _ in range(20)),
                            body="".join(f"<p>{p}</p>" for p in paragraphs),
                            topic=rng.choice(Topic.values),
                            live=True,
                        )
                        page.set_audiences(rng.sample(Audience.values, rng.randint(1, 3)))
                        parent.add_child(instance=page)
                parent.refresh_from_db()
    backend["AUTO_UPDATE"] = True
    return vocabulary


def _database_name(connection: Any) -> str:
    if connection.vendor == "sqlite":
        return "SQLite " + ".".join(map(str, connection.Database.sqlite_version_info))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return "PostgreSQL " + cursor.fetchone()[0].split()[0]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _explain(terms_text: str, language: str) -> str:
    """PostgreSQL's plan, run for real, of the visitor's search for ``terms_text``."""
    from django.db import connection, transaction
    from wagtail.models import Locale, Page

    from hedershus.cms import text

    try:
        from hedershus.cms.search_backend import site_search_sql
    except ImportError:  # code from before the query was built in one place
        return "(not available in this version of the code)"
    locale = Locale.objects.get(language_code=language)
    pages = Page.objects.live().public().filter(locale=locale)
    statements = site_search_sql(pages, text.query_terms(terms_text, language), 0, 20)
    if isinstance(statements, tuple):  # code from before the tier counts: (ranked, count)
        statements = [statements[0]]
    plans = []
    for sql, params in statements:  # the tier counts, then the ranked first page
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # as site_search runs them
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return "\n\n".join(plans)


def _worker(articles: int, queries: int, seed: int) -> dict[str, Any]:
    import django

    django.setup()
    from collections import Counter

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from wagtail.models import Locale

    from hedershus.cms.models import ArticlePage
    from hedershus.cms.selectors import SearchFilters, pages_search

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.monotonic()
    if ArticlePage.objects.count() >= articles:  # kept from an earlier run (--keep)
        from hedershus.cms.demo import read_sources

        vocabulary: dict[str, list[str]] = {}
        for source in read_sources():
            vocabulary.setdefault(source.lang, []).extend(_words(source.title + " " + source.body_html))
        generated = indexed = time.monotonic()
    else:
        vocabulary = _generate(articles, seed)
        generated = time.monotonic()
        call_command("update_index", verbosity=0)
        indexed = time.monotonic()
    if connection.vendor == "postgresql":
        # What autovacuum does on a running server: fresh statistics (without them the
        # planner guesses the 10,000 new rows are a handful), and the GIN indexes' pending
        # lists merged (after a bulk load they hold up to 4 MB that every search would scan
        # linearly: 5-15 ms per index scan instead of under 1 ms).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    load_before = os.getloadavg()[0]

    rng = random.Random(seed + 1)
    client = Client()
    ways = ("selector", "view", "selector cpu", "view cpu")
    timings: dict[str, dict[str, list[float]]] = {kind: {way: [] for way in ways} for kind in QUERY_KINDS}
    found: dict[str, list[int]] = {kind: [] for kind in QUERY_KINDS}
    for language in ("sv", "en"):
        locale = Locale.objects.get(language_code=language)
        counts = Counter(vocabulary[language])
        common = [w for w, _n in counts.most_common(40)]
        rare = [w for w, n in counts.items() if n <= 2] or common
        for number in range(queries // 2):
            kind = QUERY_KINDS[number % len(QUERY_KINDS)]
            filters = SearchFilters()
            if kind == "one common word":
                term = rng.choice(common)
            elif kind == "one rare word":
                term = rng.choice(rare)
            elif kind == "two words":
                term = f"{rng.choice(common)} {rng.choice(rare)}"
            else:
                term = rng.choice(common)
                filters = SearchFilters(audience="professional", topic="rights")
            # Wall time, and this process's CPU time: on a loaded machine the wall time is
            # mostly waiting for a CPU, the CPU time is not (on PostgreSQL it leaves out the
            # server's share).
            t0, c0 = time.perf_counter(), time.process_time()
            results = pages_search(term, locale, filters)
            timings[kind]["selector"].append((time.perf_counter() - t0) * 1000)
            timings[kind]["selector cpu"].append((time.process_time() - c0) * 1000)
            found[kind].append(results.total)
            data = {"q": term, "audience": filters.audience, "topic": filters.topic}
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.post(f"/{language}/search/", data, HTTP_HOST="localhost")
            timings[kind]["view"].append((time.perf_counter() - t0) * 1000)
            timings[kind]["view cpu"].append((time.process_time() - c0) * 1000)
            assert response.status_code == 200, response.status_code

    summary = {
        kind: {
            way: {
                "p50": statistics.median(values),
                "p95": _percentile(values, 0.95),
                "p99": _percentile(values, 0.99),
                "max": max(values),
                "n": len(values),
            }
            for way, values in ways.items()
        }
        for kind, ways in timings.items()
    }
    load_after = os.getloadavg()[0]
    plans = {}
    if connection.vendor == "postgresql":
        counts = Counter(vocabulary["en"])
        common = [w for w, _n in counts.most_common(40)]
        rare = [w for w, n in counts.items() if n <= 2] or common
        plans = {
            f"one common word ({common[0]})": _explain(common[0], "en"),
            f"two words ({common[1]} {rare[0]})": _explain(f"{common[1]} {rare[0]}", "en"),
        }
    return {
        "database": _database_name(connection),
        "load": [round(load_before, 2), round(load_after, 2)],
        "plans": plans,
        "articles": ArticlePage.objects.count(),
        "median_hits": {kind: statistics.median(values) for kind, values in found.items()},
        "seconds": {
            "migrate": round(migrated - started, 1),
            "generate": round(generated - migrated, 1),
            "index": round(indexed - generated, 1),
        },
        "latency_ms": summary,
    }


# --- The driver ------------------------------------------------------------------------------------


def _run_worker(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DATABASE_URL": database_url,
        "DEBUG": "true",
        "TASK_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "hedershus.settings",
        "PYTHONPATH": str(ROOT),
    }
    code = Path(args.code).resolve() if args.code else ROOT
    env["PYTHONPATH"] = str(code)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", "--articles", str(args.articles)]
    command += ["--queries", str(args.queries), "--seed", str(args.seed)]
    result = subprocess.run(command, cwd=code, env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise RuntimeError(f"worker failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _postgres(admin_url: str, args: argparse.Namespace) -> dict[str, Any] | None:
    import psycopg
    from psycopg import sql

    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable at {admin_url}: {exc}", file=sys.stderr)
        return None
    parts = urlsplit(admin_url)
    name = sql.Identifier(args.bench_database)
    bench_url = urlunsplit(parts._replace(path="/" + args.bench_database))
    with admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.bench_database]
        ).fetchone()
        if not (args.keep and exists):
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
        try:
            return _run_worker(bench_url, args)
        finally:
            if not args.keep:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def _table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| database | query | selector p50 | selector p95 | selector p99 | view p50 | view p95 | view p99 |"
        " selector CPU p95 | view CPU p95 | median hits |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for kind in QUERY_KINDS:
            s, v = result["latency_ms"][kind]["selector"], result["latency_ms"][kind]["view"]
            latency = result["latency_ms"][kind]
            cpu = [latency.get(f"{way} cpu", {}).get("p95") for way in ("selector", "view")]
            cpu_cells = " | ".join("-" if value is None else f"{value:.1f} ms" for value in cpu)
            lines.append(
                f"| {result['database']} | {kind} | {s['p50']:.1f} ms | {s['p95']:.1f} ms | "
                f"{s['p99']:.1f} ms | {v['p50']:.1f} ms | {v['p95']:.1f} ms | {v['p99']:.1f} ms | "
                f"{cpu_cells} | {result['median_hits'][kind]:g} |"
            )
    setup = [
        f"- {r['database']}: {r['articles']} articles; migrate {r['seconds']['migrate']} s, "
        f"generate {r['seconds']['generate']} s, build the index {r['seconds']['index']} s; "
        f"load average (1 min) before / after the queries {r['load'][0]} / {r['load'][1]}"
        for r in results
    ]
    plans = [
        f"\n{r['database']}, EXPLAIN ANALYZE, {kind}:\n\n```\n{plan}\n```"
        for r in results
        for kind, plan in r.get("plans", {}).items()
    ]
    return "\n".join([*lines, "", *setup, *plans])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=60, help="per database, half Swedish, half English")
    parser.add_argument("--seed", type=int, default=2011)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--bench-database", default=BENCH_DATABASE, help="PostgreSQL database to create")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="keep (and reuse) the databases; SQLite's file in DIR")
    parser.add_argument("--code", metavar="DIR", help="measure the code in DIR (default: this checkout)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.queries = max(4, min(args.queries, 2000))
    args.articles = max(2, min(args.articles, 100_000))
    if args.worker:
        print(json.dumps(_worker(args.articles, args.queries, args.seed)))
        return
    results = []
    if args.keep:
        results.append(_run_worker(f"sqlite:///{Path(args.keep).resolve()}/bench.sqlite3", args))
    else:
        with tempfile.TemporaryDirectory() as directory:
            results.append(_run_worker(f"sqlite:///{directory}/bench.sqlite3", args))
    if not args.no_postgres:
        postgres = _postgres(args.postgres, args)
        if postgres is not None:
            results.append(postgres)
    print(f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"code: {args.code or ROOT}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print(_table(results))


if __name__ == "__main__":
    main()
