"""What `make bench` and `make loadtest` share: the benchmark database, the production
server (gunicorn with production settings) on a free port of 127.0.0.1, and wrk."""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
LUA_REPORT = str(Path(__file__).with_name("report.lua"))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/historiography_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
SYNTHETIC_ARGUMENTS = 100_000
# One per run: the probe's login session is signed with it (the session auth hash).
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50)


def log(message):
    print(message, file=sys.stderr, flush=True)


def ensure_wrk():
    """wrk from Debian's package, installed when missing."""
    if shutil.which("wrk"):
        return
    log("Installing wrk (apt-get)…")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-q"], timeout=300, check=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], timeout=300, check=True)


def server_env(*, page_cache_seconds=0, **extra):
    """Production settings: DEBUG off, persistent connections, Redis, no HTTPS redirect
    (plain HTTP on 127.0.0.1, no proxy in front)."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "CONN_MAX_AGE": "600",
        "REDIS_URL": REDIS_URL,
        "PAGE_CACHE_SECONDS": str(page_cache_seconds),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def manage(env, *args, timeout=1800):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def ensure_database(env):
    """The benchmark database with the default-size synthetic data: created, migrated and
    filled when it is not there yet (a few minutes on a fresh machine)."""
    info = psycopg.conninfo.conninfo_to_dict(DATABASE_URL)
    name = info.pop("dbname")
    with psycopg.connect(psycopg.conninfo.make_conninfo(**info, dbname="postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"Creating database {name}…")
            conn.execute(f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "-v0")
    with psycopg.connect(DATABASE_URL) as conn:
        arguments = conn.execute("SELECT count(*) FROM historiography_argument").fetchone()[0]
    if arguments < SYNTHETIC_ARGUMENTS:
        log(f"{arguments:,} arguments in {name}: generating the synthetic dataset…")
        manage(env, "generate_synthetic", *(["--flush"] if arguments else []))
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        # Planner statistics (bulk-loaded tables have none until autovacuum comes by), and the
        # GIN indexes' pending lists merged (a bulk load leaves every new entry in them,
        # which each search then reads through).
        conn.execute("VACUUM ANALYZE")
    manage(env, "collectstatic", "--noinput", "-v0")  # the manifest that production static files need


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get_status(url, timeout=2.0, headers=None):
    """The status of one GET, redirects not followed (a lost session shows as a 302)."""
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


class Server:
    """gunicorn with config/gunicorn.conf.py on 127.0.0.1:<free port>; stopped on exit."""

    def __init__(self, env, workers=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.log = tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log", delete=False)

    def __enter__(self):
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log.name}")
            if get_status(self.base + "/bench/minimal/") == 200:
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 60 s: see {self.log.name}")

    def drain(self):
        """Waits until the requests wrk left queued are served: sync workers go on with the
        connections in the accept queue after wrk hangs up, and the next run would wait
        behind them. A new request is accepted after all of those."""
        get_status(self.base + "/bench/minimal/", timeout=180)
        time.sleep(0.5)

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def worker_pids(self):
        pids = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.process.pid):
                pids.append(int(status.parent.name))
        return sorted(pids)

    def worker_memory(self):
        """(RSS, PSS) in MiB per worker: RSS counts the pages shared with the master (the
        preloaded app), PSS charges each shared page to its sharers in proportion."""
        memory = []
        for pid in self.worker_pids():
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
            except OSError:
                continue
            values = {line.split(":")[0]: int(line.split()[1]) for line in rollup[1:] if line.split()[-1] == "kB"}
            memory.append((values["Rss"] / 1024, values["Pss"] / 1024))
        return memory


def wrk(url, *, seconds, connections, threads=2, headers=(), timeout_seconds=5, env=None):
    """One wrk run; returns its counts and latency percentiles (ms) as a dict."""
    command = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={timeout_seconds}s",
        "-s",
        LUA_REPORT,
    ]
    for header in headers:
        command += ["-H", header]
    result = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 60, env=env)
    line = next((line for line in result.stdout.splitlines() if line.startswith("WRK-JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed on {url}: {result.stdout}\n{result.stderr}")
    data = json.loads(line.removeprefix("WRK-JSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    by_second = {}
    for second, count in data["errors_by_second"]:  # one pair per thread and second
        by_second[second] = by_second.get(second, 0) + count
    data["errors_by_second"] = dict(sorted(by_second.items()))
    for key in ("p50", "p95", "p99", "max", "mean"):
        data[f"{key}_ms"] = data.pop(f"{key}_us") / 1000
    return data
