"""Page bench: the queue, case, dashboard and measure pages under 16 concurrent staff clients.

On PostgreSQL (127.0.0.1:5432, user postgres) in a fresh database bench_pages_<pid>: migrate,
load the Kent-sized demo county with three years of history (the demo loader), serve the app
with gunicorn on 127.0.0.1 (2 workers x 4 threads, for 2 cores), sign 16 clients in (12 officers,
4 managers; one keep-alive connection each) and run them twice for a fixed time. The month ends of
this academic year and the last are snapshotted first, so the measure page (managers) has its trend,
last year's line and, from February, the December-February average to read:

- with think time (the figures judged against the targets): each client pauses THINK_SECONDS
  after every page, as staff do. Each round of pages starts with a request to the bare /healthz
  endpoint, so every page's p50 and p95 is also given as a ratio to /healthz in the same run;
- with no pause (saturation): every client sends its next request as soon as the last one is
  answered. This measures the server's capacity, requests per second, and the queueing in front
  of it when saturated (p95 per page), reported on one separate row.

Requests go only to 127.0.0.1.

    .venv/bin/python -m bench.pages [--seconds 30]
"""
import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench horse battery staple"
CLIENTS, OFFICER_CLIENTS = 16, 12
TARGETS_MS = {"queue": 100, "case": 100, "dashboard": 250, "measure": 250}
PAGES = ("queue", "case", "dashboard", "measure")
THINK_SECONDS = (0.5, 1.5)
"""Pause after each page, uniform in this range: a page a second per member of staff, busier than real use."""


class _Client:
    """One staff member's keep-alive connection with its session cookie."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, dict(response.getheaders())

    def sign_in(self, email: str) -> None:
        _status, page, _headers = self.request("GET", "/sign-in")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
        csrf = next(group for group in token.groups() if group) if token else ""
        status, _text, headers = self.request("POST", "/sign-in", {"csrf_token": csrf, "email": email,
                                                                   "password": PASSWORD})
        if status != 302 or "/sign-in" in headers.get("Location", ""):
            raise RuntimeError(f"sign-in failed for {email}: {status}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _create_database(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _load(app, url: str, scale: float = 1.0, seed: int = 2022) -> tuple[dict, str]:
    """Migrate and load the demo county with three years of history; returns (counts, loader)."""
    import tempfile

    from flask_migrate import upgrade

    from tep_app.demo.load import load_demo
    from tep_app.extensions import db
    from tep_app.services.staff import hash_password

    with app.app_context(), tempfile.TemporaryDirectory() as folder:
        upgrade()
        counts = load_demo(seed=seed, years=3, scale=scale, out=lambda *_: None,
                           logins_path=Path(folder) / "logins.txt")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    counts = dict(counts)
    counts["open_cases"] = _prepare_staff_and_cases(url, hash_password(PASSWORD))
    return counts, "tep_app.demo.load.load_demo(years=3)"


NOT_KNOWN_CASES_SQL = """
INSERT INTO "case" (young_person_id, status, reason, establishment_id, opened_at, not_known_since,
                    needs_letter_or_visit, version)
SELECT sr.young_person_id, 'open', 'no_school_answer', sr.establishment_id, now(), CURRENT_DATE, false, 1
FROM school_record sr
LEFT JOIN LATERAL (
    SELECT a.code, a.due_to_lapse_on FROM activity a
    WHERE a.young_person_id = sr.young_person_id AND a.ascertained_on <= CURRENT_DATE
    ORDER BY a.ascertained_on DESC, a.id DESC LIMIT 1) latest ON true
LEFT JOIN activity_code ac ON ac.code = latest.code
LEFT JOIN match_result mr ON mr.school_record_id = sr.id AND mr.kind = 'leaver_enrolment'
    AND coalesce(mr.decided_outcome, mr.outcome) = 'certain'
WHERE sr.kind = 'leaver'
  AND sr.academic_year = (SELECT max(academic_year) FROM school_record WHERE kind = 'leaver')
  AND ((latest.code IS NULL AND mr.id IS NULL) OR ac.is_not_known OR latest.due_to_lapse_on < CURRENT_DATE)
  AND NOT EXISTS (SELECT 1 FROM "case" c WHERE c.young_person_id = sr.young_person_id AND c.status = 'open')
"""


def _prepare_staff_and_cases(url: str, password_hash: str) -> int:
    """Bench staff with a known password (20 officers, 5 managers); an open case for every Not
    Known leaver of the latest year if the loader made none; open cases shared among the officers."""
    import secrets

    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        for role, count in (("officer", 20), ("manager", 5)):
            for n in range(1, count + 1):
                connection.execute(
                    "INSERT INTO staff_user (email, name, password_hash, role, active, failed_logins, session_token, "
                    "must_change_password) VALUES (%s, %s, %s, %s, true, 0, %s, false) ON CONFLICT (email) DO NOTHING",
                    (f"bench-{role}{n}@bench.example", f"Bench {role.title()} {n}", password_hash, role,
                     secrets.token_hex(16)))
        if not connection.execute("SELECT 1 FROM \"case\" WHERE status = 'open' LIMIT 1").fetchone():
            connection.execute(NOT_KNOWN_CASES_SQL)
        officers = [row[0] for row in connection.execute(
            "SELECT id FROM staff_user WHERE email LIKE 'bench-officer%' ORDER BY id")]
        connection.execute(
            "UPDATE \"case\" SET officer_id = (%s::int[])[(id %% %s) + 1] WHERE status = 'open'",
            (officers, len(officers)))
        opened = connection.execute("SELECT count(*) FROM \"case\" WHERE status = 'open'").fetchone()[0]
        connection.execute("ANALYZE")
        connection.commit()
    return opened


def _take_month_ends(app) -> int:
    """Snapshot every month end from the start of last academic year to today (those not yet
    taken), as the nightly job would have; returns how many were taken."""
    from datetime import timedelta

    from tep_app import clock
    from tep_app.extensions import db
    from tep_app.services.returns.requirement import academic_year_of
    from tep_app.services.returns.snapshots import month_end, snapshot_for, take_snapshot

    taken = 0
    with app.app_context():
        today = clock.today()
        day = month_end(academic_year_of(today) - 1, 9)
        while day < today:
            if snapshot_for(day) is None:
                take_snapshot(day)
                db.session.commit()
                taken += 1
            following = day + timedelta(days=1)
            day = month_end(following.year, following.month)
        db.session.remove()
        db.engine.dispose()
    return taken


def _targets(app, url: str) -> dict:
    """Which staff sign in, and the pages each hits."""
    import psycopg

    endpoints = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    case_rule = next((rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("cases.")
                      and "case_id" in rule.arguments and "GET" in rule.methods), None)
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        officers = connection.execute(
            "SELECT s.id, s.email, array_agg(c.id) FROM staff_user s JOIN \"case\" c ON c.officer_id = s.id "
            "AND c.status = 'open' WHERE s.email LIKE 'bench-officer%' GROUP BY s.id, s.email ORDER BY s.id"
        ).fetchall()
        managers = connection.execute(
            "SELECT email FROM staff_user WHERE email LIKE 'bench-manager%' ORDER BY id").fetchall()
    return {
        "queue": endpoints["cases.queue"].rule if "cases.queue" in endpoints else None,
        "case": case_rule.rule.replace("<int:case_id>", "{}") if case_rule else None,
        "dashboard": endpoints["dashboard.index"].rule,
        "measure": endpoints["returns.measure"].rule if "returns.measure" in endpoints else None,
        "officers": [(email, ids) for _id, email, ids in officers],
        "managers": [email for (email,) in managers],
    }


def _prepare_client(port: int, email: str, plan, errors: list) -> "_Client | None":
    """Sign in, and load each page once to warm the worker's caches."""
    client = _Client(port)
    try:
        client.sign_in(email)
        for _name, path in plan():
            client.request("GET", path)
    except Exception as error:  # noqa: BLE001 -- reported, not raised from a thread
        errors.append(f"{email}: {error}")
        return None
    return client


def _client_loop(client: _Client, plan, stop_at: float, think: tuple[float, float] | None, rng: random.Random,
                 timings: dict, errors: list, go: threading.Event) -> None:
    go.wait()
    if think:  # staff do not all click at the same moment: start somewhere in a pause
        time.sleep(rng.uniform(0, think[1]))
    while time.monotonic() < stop_at:
        for name, path in plan():
            started = time.perf_counter()
            try:
                status, _text, _headers = client.request("GET", path)
            except (http.client.RemoteDisconnected, ConnectionError):
                client.connection.close()  # the server closed an idle keep-alive connection: reopen
                started = time.perf_counter()
                status, _text, _headers = client.request("GET", path)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                errors.append(f"{name} {path}: {status}")
            else:
                timings.setdefault(name, []).append(elapsed)
            if think and name != "healthz":  # the /healthz probe goes straight on to the first page
                time.sleep(max(0.0, min(rng.uniform(*think), stop_at - time.monotonic())))
            if time.monotonic() >= stop_at:
                break


def _run_phase(clients: list, seconds: float, think: tuple[float, float] | None) -> dict:
    """Run every client for `seconds`; the timings (ms) by page, the errors and the time taken."""
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    go = threading.Event()
    run_started = time.monotonic()
    stop_at = run_started + seconds
    threads = [threading.Thread(target=_client_loop, args=(client, plan, stop_at, think, random.Random(n), timings,
                                                          errors, go), daemon=True)
               for n, (client, plan) in enumerate(clients)]
    for thread in threads:
        thread.start()
    go.set()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return {"timings": timings, "errors": errors, "seconds": time.monotonic() - run_started}


def _plans(targets: dict) -> list:
    """(email, plan) per client: officers load /healthz, the queue and one of their cases; managers
    /healthz, the dashboard and the measure page."""
    rng = random.Random(7)
    plans = []
    for n in range(CLIENTS):
        if n < OFFICER_CLIENTS and targets["officers"]:
            email, case_ids = targets["officers"][n % len(targets["officers"])]

            def plan(case_ids=case_ids):
                steps = [("healthz", "/healthz")]
                if targets["queue"]:
                    steps.append(("queue", targets["queue"]))
                if targets["case"]:
                    steps.append(("case", targets["case"].format(rng.choice(case_ids))))
                return steps
        else:
            email = targets["managers"][n % len(targets["managers"])]

            def plan():
                steps = [("healthz", "/healthz"), ("dashboard", targets["dashboard"])]
                if targets["measure"]:
                    steps.append(("measure", targets["measure"]))
                return steps
        plans.append((email, plan))
    return plans


def measure(seconds: float = 30.0, keep: bool = False, scale: float = 1.0, seed: int = 2022) -> dict:
    """Build the county, serve it, run the clients with think time and then with none; return the
    figures of both runs."""
    from tep_app import create_app

    name = f"bench_pages_{os.getpid()}"
    url = _create_database(name)
    server = None
    try:
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
        started = time.perf_counter()
        counts, loader = _load(app, url, scale, seed)
        counts["snapshots"] = _take_month_ends(app)
        load_seconds = time.perf_counter() - started
        targets = _targets(app, url)
        port = _free_port()
        env = {**os.environ, "TEP_DATABASE_URL": url, "TEP_ENV": "development", "TEP_SECRET_KEY": "bench-" + name}
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", "2", "--threads", "4", "--worker-class",
             "gthread", "--keep-alive", "30", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        errors: list[str] = []
        clients = []
        for email, plan in _plans(targets):
            client = _prepare_client(port, email, plan, errors)
            if client is not None:
                clients.append((client, plan))
        with_think = _run_phase(clients, seconds, THINK_SECONDS)
        saturated = _run_phase(clients, seconds, None)
        return {"counts": counts, "loader": loader, "load_seconds": load_seconds, "targets": targets,
                "timings": with_think["timings"], "seconds": with_think["seconds"],
                "errors": errors + with_think["errors"] + saturated["errors"], "saturation": saturated}
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not keep:
            _drop_database(name)


def summarise(timings: dict) -> list[dict]:
    bare = timings.get("healthz") or [float("nan")]
    bare50, bare95 = _percentile(bare, 0.5), _percentile(bare, 0.95)
    rows = []
    for page in ("healthz",) + PAGES:
        values = timings.get(page)
        if not values:
            rows.append({"page": page, "requests": 0, "note": "page not available"})
            continue
        p50, p95 = _percentile(values, 0.5), _percentile(values, 0.95)
        target = TARGETS_MS.get(page)
        rows.append({
            "page": page, "requests": len(values), "p50_ms": round(p50, 1), "p95_ms": round(p95, 1),
            "p50_ratio": round(p50 / bare50, 1), "p95_ratio": round(p95 / bare95, 1),
            "mean_ms": round(statistics.fmean(values), 1), "target_p95_ms": target,
            "meets_target": None if target is None else p95 < target,
        })
    return rows


def saturation(result: dict) -> tuple[float, str]:
    """Requests per second with no pause, and each page's p95 (and its ratio to /healthz's)."""
    run = result["saturation"]
    total = sum(len(values) for values in run["timings"].values())
    pages = sum(len(run["timings"].get(page, ())) for page in PAGES)
    parts = []
    for row in summarise(run["timings"]):
        if "p95_ms" in row:
            ratio = "" if row["page"] == "healthz" else f" ({row['p95_ratio']}x)"
            parts.append(f"{row['page']} {row['p95_ms']} ms{ratio}")
    note = (f"p95 {'; '.join(parts)}; {total} requests ({pages} pages) in {run['seconds']:.0f} s, "
            "no pause between requests")
    return round(total / run["seconds"], 1) if run["seconds"] else float("nan"), note


def run(report, seconds: float | None = None) -> dict:
    """The bench section: figures go to the bench framework's report (bench/report.py)."""
    seconds = seconds or float(os.environ.get("BENCH_PAGES_SECONDS", "30"))
    result = measure(seconds, scale=getattr(report, "scale", 1.0), seed=getattr(report, "seed", 2022))
    report.info("pages: county", f"{result['loader']}; {result['counts']}; loaded in {result['load_seconds']:.1f} s")
    low, high = THINK_SECONDS
    report.info("pages: load", f"{CLIENTS} clients ({OFFICER_CLIENTS} officers, {CLIENTS - OFFICER_CLIENTS} managers), "
                f"each pausing {low:g} to {high:g} s after every page, for {result['seconds']:.0f} s; then with no "
                f"pause for {result['saturation']['seconds']:.0f} s; gunicorn 2 workers x 4 threads on 127.0.0.1")
    for row in summarise(result["timings"]):
        page = row["page"]
        if "p50_ms" not in row:
            report.row("pages", page, "not available", note=row["note"])
            continue
        ratio = f"{row['p50_ratio']}x /healthz p50; {row['requests']} requests"
        report.row("pages", f"{page} p50", row["p50_ms"], "ms", note=ratio)
        note = f"{row['p95_ratio']}x /healthz p95"
        if row["target_p95_ms"]:
            report.at_most("pages", f"{page} p95", row["p95_ms"], "ms", row["target_p95_ms"], note=note)
        else:
            report.row("pages", f"{page} p95", row["p95_ms"], "ms", note=note)
    throughput, note = saturation(result)
    report.row("pages", "saturation, no think time", throughput, "req/s", note=note)
    if result["errors"]:
        report.error("pages", f"{len(result['errors'])} failed requests, first: {result['errors'][:3]}")
    return result


class _PrintReport:
    """Stand-in for bench.report.Report when this module runs on its own."""

    scale, seed = 1.0, 2022

    def row(self, section, measure, value, unit="", target="", passed=None, note=""):
        verdict = "" if passed is None else (" PASS" if passed else " FAIL")
        print(f"[{section}] {measure}: {value} {unit}{verdict} {note}".rstrip())

    def at_most(self, section, measure, value, unit, limit, note=""):
        self.row(section, measure, value, unit, passed=value <= limit, note=f"(target <= {limit} {unit}) {note}")

    def error(self, section, message):
        self.row(section, "error", message, passed=False)

    def info(self, key, value):
        print(f"{key}: {value}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    run(_PrintReport(), seconds=args.seconds)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
