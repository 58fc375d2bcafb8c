"""Signed-in borrowers at once against a real server, measured: requests, errors, requests per second.

`make run`'s embedded default (SQLite, tasks inline, the database cache) and PostgreSQL, each on a fresh
database with the demo data: the dev server is started as `make run` starts it (`runserver`, threaded),
16 clients log in as demo@ and other@, then for a few seconds each one, in a loop, opens the loan list,
one of its loans, the planner, the planner's CSV export, and tries to link a loan with wrong details
(a write: every attempt is audited). Any 5xx or dropped connection is an error.

tests/platform/test_concurrency.py runs the same load and asserts zero errors; this script prints the
figures. Run: make bench   (or .venv/bin/python bench/concurrency.py)
"""

import contextlib
import http.cookiejar
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "anxin-demo-2026"  # noqa: S105 -- the published demo login (accounts.demo.DEMO_PASSWORD)
# The demo borrowers (borrowers/demo.py) and one loan each can open.
BORROWERS = {"demo@anxin.example": "AX-DEMO-1002", "other@anxin.example": "AX-DEMO-2001"}
PLAN_QUERY = "principal=8000&method=equal_instalment&annual_rate=18"
# What the process must not inherit: another run's database, broker or cache, or a test's settings.
SCRUBBED = {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


@dataclass
class LoadResult:
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    requested: Counter[str] = field(default_factory=Counter)  # "GET /loans/", without the query
    failures: list[str] = field(default_factory=list)  # a 5xx or a dropped connection, with its request

    @property
    def requests(self) -> int:
        return sum(self.requested.values())

    @property
    def errors(self) -> int:
        return len(self.failures)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        return (
            f"{self.requests} requests in {self.seconds:.1f} s = {self.per_second:.0f} req/s, "
            f"{self.errors} errors ({statuses})"
        )


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    return {
        **env,
        "DATABASE_URL": database_url,
        "DJANGO_ENV": "development",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def prepare(env: dict[str, str]) -> None:
    """migrate, the cache table and the demo data, as `make run` does (one process, to save start-up)."""
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', interactive=False, verbosity=0)\n"
        "call_command('createcachetable')\n"
        "call_command('seed_demo', verbosity=0)\n"
    )
    subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        capture_output=True,
        timeout=180,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(env: dict[str, str], log: Path) -> Iterator[str]:
    """The dev server `make run` starts (threaded), on a free port; yields its base URL."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"the server stopped: {log.read_text()[-2000:]}")
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 -- http://127.0.0.1
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


class Browser:
    """One signed-in visitor: its own cookies (session, CSRF), no redirects followed silently past a 5xx."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _csrf(self) -> str:
        return next((c.value or "" for c in self.cookies if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict[str, str] | None = None) -> int:
        body = None
        headers = {"User-Agent": "anxin-bench/1.0"}
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}).encode()
            headers["Referer"] = self.base + path
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as error:
            error.read()
            return int(error.code)

    def login(self, email: str) -> int:
        """The status of the page the login lands on (the dashboard once signed in)."""
        self.request("/accounts/login/")
        return self.request("/accounts/login/", {"login": email, "password": PASSWORD})

    @property
    def signed_in(self) -> bool:
        return any(c.name == "sessionid" for c in self.cookies)


def load(base: str, *, clients: int = 16, seconds: float = 4.0, max_rounds: int = 40) -> LoadResult:
    """`clients` visitors log in, then all at once loop over the pages until `seconds` or `max_rounds`."""
    emails = list(BORROWERS)
    result = LoadResult()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    # allauth counts a login as failed until its password has checked out (then takes it back), and
    # allows 10 failures a minute per IP and 5 per account: more logins than that in flight at once
    # from one address are refused, as a brute force would be. Four at a time, then.
    logging_in = threading.Semaphore(4)

    def record(label: str, status: int | None, error: OSError | None = None) -> None:
        with lock:
            result.requested[label.split("?")[0]] += 1
            if status is None:
                result.failures.append(f"connection {label}: {error}")
                return
            result.statuses[status] += 1
            if status >= 500:
                result.failures.append(f"{status} {label}")

    def run(index: int) -> None:
        email = emails[index % len(emails)]
        browser = Browser(base)
        steps: list[tuple[str, dict[str, str] | None]] = [
            ("/loans/", None),
            (f"/loans/{BORROWERS[email]}/", None),
            (f"/plan/?{PLAN_QUERY}&months={12 + index}", None),
            (f"/plan/?{PLAN_QUERY}&months=24&format=csv", None),
            (
                "/loans/link/",
                {"reference": "AX-DEMO-3001", "date_of_birth": "2000-01-01", "national_id_last4": "9999"},
            ),
        ]
        try:
            with logging_in:
                status = browser.login(email)
        except OSError as error:
            record("POST /accounts/login/", None, error)
        else:
            record("POST /accounts/login/", status)
            if status < 500 and not browser.signed_in:
                with lock:
                    result.failures.append(f"{email} was not signed in (HTTP {status})")
        start.wait()
        deadline = time.monotonic() + seconds
        for _ in range(max_rounds if browser.signed_in else 0):
            for path, data in steps:
                if time.monotonic() > deadline:
                    return
                label = f"{'POST' if data else 'GET'} {path}"
                try:
                    record(label, browser.request(path, data))
                except OSError as error:
                    record(label, None, error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - began
    return result


def run_sqlite(workdir: Path, **load_options: float) -> LoadResult:
    """The embedded default, as `make run` serves it: SQLite, tasks inline, the database cache."""
    env = server_env(f"sqlite:///{workdir / 'anxin.sqlite3'}", CACHE_URL="dbcache://anxin_cache")
    env.pop("CELERY_BROKER_URL", None)
    prepare(env)
    with serve(env, workdir / "server.log") as base:
        return load(base, **load_options)  # type: ignore[arg-type]


def postgres_admin_url() -> str:
    """The server the run's DATABASE_URL points at when it is PostgreSQL, else the local default."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return "postgres://postgres@127.0.0.1:5432/postgres"


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(postgres_admin_url(), connect_timeout=3):
            return True
    except Exception:
        return False


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A throwaway database on the PostgreSQL server, dropped afterwards; yields its URL."""
    import psycopg

    name = f"anxin_conc_{os.getpid()}"
    admin = urllib.parse.urlsplit(postgres_admin_url())
    with psycopg.connect(admin.geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin.geturl(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_postgres(workdir: Path, **load_options: float) -> LoadResult:
    with postgres_database() as url:
        env = server_env(url, CACHE_KEY_PREFIX=f"anxin-conc-{os.getpid()}")
        env.pop("CELERY_BROKER_URL", None)
        prepare(env)
        with serve(env, workdir / "server.log") as base:
            return load(base, **load_options)  # type: ignore[arg-type]


def main() -> None:
    seconds = float(os.environ.get("BENCH_SECONDS", "4"))
    print(f"16 signed-in clients for {seconds:.0f} s: loans, a loan, the planner, its CSV, loan linking")
    with tempfile.TemporaryDirectory() as tmp:
        print(f"  SQLite (make run's default): {run_sqlite(Path(tmp), seconds=seconds).summary()}")
    if postgres_available():
        with tempfile.TemporaryDirectory() as tmp:
            print(f"  PostgreSQL:                  {run_postgres(Path(tmp), seconds=seconds).summary()}")
    else:
        print("  PostgreSQL: not reachable, skipped")


if __name__ == "__main__":
    main()
