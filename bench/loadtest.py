"""`make loadtest`: a bounded load test with PostgreSQL restarted in the middle of it.

For --seconds (60) wrk drives the production server (bench/common.py) at --connections
(32) over a mix of public pages, while writer threads, logged in as synthetic students
through the real login form, save their submission drafts through the real editor form
(GET for the CSRF token and version, POST, then the page that says "Draft saved.") and
record every save the server acknowledged. At --restart-at (30 s) PostgreSQL is restarted
(`pg_ctlcluster ... restart`); the app must answer 200 again on its own within 5 s of
PostgreSQL being back. At the end every acknowledged save must be in the database, and
no request may have failed outside the restart window.

The server runs as in production, with the page cache on: anonymous readers mostly get
pages from Redis, but --miss-share (10%) of wrk's requests ask for an argument page with a
query string never seen before, so they reach PostgreSQL, as do the writers and the
check that the app is back. --page-cache-seconds 0 sends everything to PostgreSQL (this
two-core machine then saturates: see README). --no-restart runs the load alone.
Restarting PostgreSQL interrupts everyone else's connections to it: run it on a machine
of your own (or when nobody's tests are using the server).
"""

import argparse
import http.client
import http.cookies
import json
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from common import PYTHON, ROOT, Server, ensure_database, ensure_wrk, log, server_env, wrk

PASSWORD = "synthetic-debate-2026"  # generate_synthetic's default
RECOVERY_TARGET_SECONDS = 5


class FormParser(HTMLParser):
    """The fields of the first POST form on a page that has a `name` field: inputs (text,
    hidden, checked boxes) and textareas, as a browser would send them."""

    def __init__(self, name):
        super().__init__()
        self.wanted, self.forms, self.current, self.textarea = name, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {}
        elif self.current is not None and tag == "input" and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            if attrs.get("type") not in ("submit", "button"):
                self.current[attrs["name"]] = attrs.get("value") or ""
        elif self.current is not None and tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.current[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.current[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None

    def fields(self):
        return next((form for form in self.forms if self.wanted in form), None)


class Browser:
    """Cookies by hand: production cookies are Secure, and this talks plain HTTP to
    127.0.0.1 (a proxy would terminate TLS), so a cookie jar would not send them back."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, fields=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.headers.get("Location", ""), content
        finally:
            connection.close()


class Writer(threading.Thread):
    def __init__(self, port, student, run_id, deadline, pause):
        super().__init__(daemon=True)
        self.browser, self.student, self.run_id = Browser(port), student, run_id
        self.deadline, self.pause = deadline, pause
        self.acknowledged, self.attempts, self.errors = [], [], []

    def error(self, what):
        self.errors.append((time.time(), what))

    def login(self):
        for _ in range(20):
            try:
                status, _, page = self.browser.request("GET", "/accounts/login/")
                parser = FormParser("username")
                parser.feed(page)
                fields = parser.fields()
                fields.update(username=self.student["username"], password=PASSWORD)
                status, location, _ = self.browser.request("POST", "/accounts/login/", fields)
                if status == 302:
                    return True
                self.error(f"login {status}")
            except (OSError, http.client.HTTPException) as error:
                self.error(f"login {error!r}")
            time.sleep(0.5)
        return False

    def save_once(self, n):
        editor = self.student["editor"]
        status, _, page = self.browser.request("GET", editor)
        if status != 200:
            return self.error(f"GET editor {status}")
        parser = FormParser("statement")
        parser.feed(page)
        fields = parser.fields()
        if fields is None:
            return self.error("no editor form (read-only?)")
        statement = (
            f"Load test {self.run_id}, {self.student['username']}, save {n}: the evidence shows the regime improvised."
        )
        fields["statement"] = statement
        self.attempts.append({"n": n, "statement": statement, "version": int(fields["version"]), "at": time.time()})
        status, location, _ = self.browser.request("POST", editor, fields)
        path = location.split("127.0.0.1", 1)[-1].split(f":{self.browser.port}", 1)[-1]
        if status != 302 or not path.startswith(editor):  # back to the editor (of this phase)
            return self.error(f"POST editor {status} {location}")
        # The message travels in a cookie, so the page after the redirect says whether the
        # save went through, even if that page needs a retry.
        for _ in range(50):
            try:
                status, _, page = self.browser.request("GET", path)
            except (OSError, http.client.HTTPException):
                status = None
            if status == 200:
                break
            time.sleep(0.2)
        if status != 200:
            return self.error("no page after the save")
        if "Draft saved." in page:
            self.acknowledged.append({"n": n, "statement": statement, "at": time.time()})
        else:
            self.error("save refused: " + ("conflict" if "saved from another tab" in page else "other message"))

    def run(self):
        if not self.login():
            return
        n = 0
        while time.time() < self.deadline:
            n += 1
            try:
                self.save_once(n)
            except (OSError, http.client.HTTPException) as error:
                self.error(repr(error))
            time.sleep(self.pause)


def probe(env, *args):
    result = subprocess.run(
        [PYTHON, "bench/probe.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def restart_postgresql():
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        timeout=120,
        capture_output=True,
    )


def wait_for_app(port, path, timeout=60):
    """Seconds until a page that needs the database answers 200 (a fresh query string
    each time, so no cache can answer for it)."""
    started = time.time()
    n = 0
    while time.time() - started < timeout:
        n += 1
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", f"{path}?recovery={n}")
            if connection.getresponse().status == 200:
                return time.time()
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        time.sleep(0.05)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--writers", type=int, default=8, help="students saving drafts")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between a writer's saves")
    parser.add_argument("--restart-at", type=float, default=30)
    parser.add_argument("--no-restart", action="store_true")
    parser.add_argument("--page-cache-seconds", type=int, default=600)
    parser.add_argument("--miss-share", type=float, default=0.1, help="share of wrk requests no cache can answer")
    parser.add_argument("--workers", type=int)
    args = parser.parse_args()

    ensure_wrk()
    ensure_database(server_env())
    env = server_env(page_cache_seconds=args.page_cache_seconds)
    pages = probe(env, "pages")
    students = probe(env, "writers", str(args.writers))
    # The public pages, as anonymous readers; not the timeline of a whole synthetic topic
    # (5,000 arguments, 4 MB, seconds to render: README, "Performance and capacity").
    mix = [path for name, path in pages.items() if name not in ("instructor's board", "minimal view", "timeline")]
    paths = tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False)
    paths.write("\n".join(mix) + "\n")
    paths.close()
    run_id = uuid.uuid4().hex[:8]

    with Server(env, workers=args.workers) as server:
        start = time.time()
        deadline = start + args.seconds
        writers = [Writer(server.port, student, run_id, deadline, args.pause) for student in students]
        for writer in writers:
            writer.start()
        load = {}
        load_thread = threading.Thread(
            target=lambda: load.update(
                wrk(
                    server.base + "/",
                    seconds=args.seconds,
                    connections=args.connections,
                    timeout_seconds=10,
                    env={
                        **env,
                        "WRK_PATHS": paths.name,
                        "WRK_ERRORS_BY_SECOND": "1",
                        "WRK_MISS_PATH": pages["argument"],
                        "WRK_MISS_SHARE": str(args.miss_share),
                    },
                )
            ),
            daemon=True,
        )
        load_thread.start()
        restart = {}
        if not args.no_restart:
            time.sleep(max(0, start + args.restart_at - time.time()))
            log(f"Restarting PostgreSQL at {time.time() - start:.1f} s…")
            restart["began"] = time.time()
            restart_postgresql()
            restart["postgresql_back"] = time.time()
            restart["app_back"] = wait_for_app(server.port, pages["argument"])
            log(
                f"PostgreSQL back after {restart['postgresql_back'] - restart['began']:.1f} s; the app answered 200 "
                + (
                    f"{restart['app_back'] - restart['postgresql_back']:.2f} s later"
                    if restart["app_back"]
                    else "NOT within 60 s"
                )
            )
        load_thread.join(timeout=args.seconds + 90)
        for writer in writers:
            writer.join(timeout=60)
        gunicorn_errors = [
            line for line in Path(server.log.name).read_text().splitlines() if "Traceback" in line or "ERROR" in line
        ]

    # Every acknowledged save must be in the database: the draft now holds the last
    # acknowledged statement, or a later attempt whose answer was lost in the restart.
    saved = {row["username"]: row for row in probe(server_env(), "saved", json.dumps(students))}
    lost, acknowledged = [], 0
    for writer in writers:
        acknowledged += len(writer.acknowledged)
        if not writer.acknowledged:
            continue
        last = writer.acknowledged[-1]
        statement = saved[writer.student["username"]]["statement"]
        later = {a["statement"] for a in writer.attempts if a["n"] >= last["n"]}
        if statement not in later:
            lost.append((writer.student["username"], last["n"], statement))

    window = (restart.get("began", float("inf")), (restart.get("app_back") or restart.get("began", 0) + 60) + 1)
    inside = lambda t: window[0] - 1 <= t <= window[1]  # noqa: E731  (whole seconds from wrk)
    wrk_errors_outside = sum(n for second, n in load["errors_by_second"].items() if not inside(int(second)))
    wrk_errors_inside = sum(n for second, n in load["errors_by_second"].items() if inside(int(second)))
    writer_errors = [(t, what) for writer in writers for t, what in writer.errors]
    writer_errors_outside = [what for t, what in writer_errors if not inside(t)]

    print()
    print(
        f"`make loadtest`: {args.seconds} s, wrk {args.connections} connections over {len(mix)} pages "
        "(page cache "
        f"{'on, ' + format(args.miss_share, '.0%') + ' of requests past it' if args.page_cache_seconds else 'off'}), "
        f"{len(writers)} students saving drafts."
    )
    print(
        f"- load: {load['requests']:,} requests, {load['rps']:.0f} req/s, "
        f"p50 {load['p50_ms']:.0f} ms, p99 {load['p99_ms']:.0f} ms, "
        f"max {load['max_ms']:.0f} ms"
    )
    print(
        f"- errors outside the restart window: {wrk_errors_outside} "
        f"non-2xx/3xx (wrk), {load['socket_errors']} socket errors "
        f"(wrk, whole run: connect {load['connect_errors']}, read {load['read_errors']}, write {load['write_errors']}, "
        f"timeout {load['timeouts']}), {len(writer_errors_outside)} writer errors {writer_errors_outside[:5]}"
    )
    if restart:
        back = restart["app_back"]
        print(
            f"- PostgreSQL restarted at {restart['began'] - start:.1f} s, back "
            f"after {restart['postgresql_back'] - restart['began']:.1f} s; "
            + (
                f"the app answered 200 {back - restart['postgresql_back']:.2f} s after that "
                f"({back - restart['began']:.1f} s after the restart began)"
                if back
                else "the app did NOT answer within 60 s"
            )
        )
        print(
            f"- inside the restart window: {wrk_errors_inside} non-2xx/3xx (wrk), "
            f"{len(writer_errors) - len(writer_errors_outside)} writer errors"
        )
    print(
        f"- saves: {sum(len(w.attempts) for w in writers)} attempted, {acknowledged} acknowledged, "
        f"{len(lost)} acknowledged saves lost {lost[:3]}"
    )
    print(f"- gunicorn log: {len(gunicorn_errors)} error lines ({server.log.name})")
    ok = (
        not lost
        and acknowledged > 0
        and wrk_errors_outside == 0
        and load["socket_errors"] == 0
        and not writer_errors_outside
        and (
            not restart
            or (restart["app_back"] and restart["app_back"] - restart["postgresql_back"] < RECOVERY_TARGET_SECONDS)
        )
    )
    print("Result: " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
