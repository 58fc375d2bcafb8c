"""Planner throughput, measured (not asserted): schedules per second for 12-, 60- and 360-month plans,
and the simulator endpoint's requests per second beside a trivial Django view (/healthz), both through
Django's test client in this one process, so the ratio is the planner's own cost, not the network's.

Run: make bench   (or .venv/bin/python bench/planner.py)
"""

import os
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.test import Client  # noqa: E402

import loanmath  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))


def per_second(work: Callable[[], object]) -> float:
    work()  # warm up
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < SECONDS:
        work()
        count += 1
    return count / elapsed


def main() -> None:
    print(f"Planner benchmark ({SECONDS:.0f} s per figure, Python {sys.version.split()[0]})")
    print("\nSchedules per second (loanmath.plan_simulate, equal instalments, with the APR's IRR):")
    baseline = None
    for months in (12, 60, 360):
        plan = loanmath.PlanInput(
            principal=Decimal("100000.00"),
            months=months,
            method=loanmath.PlanMethod.EQUAL_INSTALMENT,
            start=date(2026, 1, 15),
            annual_rate=Decimal("0.12"),
        )
        rate = per_second(lambda plan=plan: loanmath.plan_simulate(plan))
        baseline = baseline or rate
        print(f"  {months:>3} months: {rate:>9,.0f} /s   ({baseline / rate:5.1f}x the time of 12 months)")

    client = Client()
    query = {"principal": "10000", "method": "flat_fee", "monthly_fee_rate": "0.8", "months": "12"}
    trivial = per_second(lambda: client.get("/healthz"))
    full = per_second(lambda: client.get("/plan/", query))
    partial = per_second(lambda: client.get("/plan/", query, headers={"HX-Request": "true"}))
    csv = per_second(lambda: client.get("/plan/", {**query, "format": "csv"}))
    print("\nRequests per second through Django (test client, one process):")
    print(f"  /healthz (trivial view):        {trivial:>8,.0f} /s")
    print(f"  /plan/ full page:               {full:>8,.0f} /s   ({trivial / full:4.1f}x the trivial view)")
    print(f"  /plan/ htmx partial:            {partial:>8,.0f} /s   ({trivial / partial:4.1f}x)")
    print(f"  /plan/?format=csv:              {csv:>8,.0f} /s   ({trivial / csv:4.1f}x)")


if __name__ == "__main__":
    main()
