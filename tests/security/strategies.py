"""Hypothesis strategies for hostile input: junk values, and whole junk submissions built on a real form.

`HOSTILE_EXAMPLES` (default 6) sets the examples per endpoint (a third of that, at least 5, per admin
changelist); `HOSTILE_EXAMPLES=500` runs it harder. The default was 25 (and 12 per changelist) until the
suite neared its 10-minute limit: these runs were 156 s of one worker's time, the largest single part.
Runs are derandomized (the same cases every run, so CI is reproducible); `HOSTILE_SEED=<n>` draws
another fixed set instead.
"""

import os
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st

F = TypeVar("F", bound=Callable[..., Any])

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "6"))
# The admin's changelists are many (one per model), each a heavy page, and all of them run the same
# Django search, filter and ordering code: a third as many each.
ADMIN_EXAMPLES = max(5, EXAMPLES // 3)
SEED = os.environ.get("HOSTILE_SEED")

HUGE = 100_000
# Values an attacker or a broken client sends, the same for every field.
NASTY: tuple[str, ...] = (
    "",
    " ",
    "0",
    "-0",
    "-1",
    "-999999999999999999999",
    "99999999999999999999999999999999",
    "NaN",
    "nan",
    "-NaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e309",
    "-1e309",
    "1e-400",
    "0x10",
    "1_000",
    "１２３",  # full-width digits
    "٣",  # an Arabic-Indic digit
    "1,000.00",
    "12.345.678",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "10000-01-01",
    "-2026-01-01",
    "2026-02-29T25:61:61",
    "\u202eevil\u202c",  # right-to-left override
    "\u200b\u200d\ufeff",  # zero-width characters
    "😀" * 50,
    "a\x00b",  # NUL
    "\x00",
    "\r\n\r\n",
    "\x1b[31m",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "../../etc/passwd",
    '=HYPERLINK("http://x")',
    "true",
    "null",
    "[]",
    "{}",
    "AX-DEMO-1001",  # a real reference, somebody else's
    "\ud800",  # a lone surrogate (sent as its escaped bytes, see `encodable`)
)


def encodable(value: str) -> str:
    """A lone surrogate cannot be UTF-8 encoded; the client sends its surrogatepass bytes instead."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def junk_values() -> st.SearchStrategy[str]:
    return _junk().map(encodable)


def _junk() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(NASTY).map(lambda value: (value * (HUGE // max(len(value), 1) + 1))[:HUGE]),
        st.text(max_size=40),
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.dates().map(lambda day: day.isoformat()),
    )


# Unknown fields a client may add (mass assignment, a forged token, a huge name).
EXTRA_FIELDS = ("id", "user", "user_id", "pk", "is_staff", "is_superuser", "x" * 300, "__proto__")

# A field's fate in one submission.
KEEP, JUNK, DROP, REPEAT = "keep", "junk", "drop", "repeat"


@st.composite
def submissions(
    draw: st.DrawFn, defaults: dict[str, list[str]], free_text: frozenset[str] = frozenset()
) -> dict[str, list[str]]:
    """The form's own values with some fields junk, missing, or repeated, and maybe unknown extra fields.

    At least one field is junk, so no submission is a valid one by construction. `free_text` fields
    (a message's body, a note) take any text by design, so they keep the form's value.
    """
    names = sorted(set(defaults) - free_text)
    data: dict[str, list[str]] = {name: defaults[name] for name in free_text if name in defaults}
    fates = draw(
        st.lists(st.sampled_from((KEEP, JUNK, DROP, REPEAT)), min_size=len(names), max_size=len(names))
    )
    if names and JUNK not in fates:
        fates[draw(st.integers(0, len(names) - 1))] = JUNK
    for name, fate in zip(names, fates, strict=True):
        if fate == KEEP:
            data[name] = defaults[name]
        elif fate == JUNK:
            data[name] = [draw(junk_values())]
        elif fate == REPEAT:
            data[name] = [draw(junk_values()), *defaults[name], draw(junk_values())]
    extra = draw(st.dictionaries(st.sampled_from(EXTRA_FIELDS), junk_values(), max_size=2))
    for name, value in extra.items():
        data.setdefault(name, [value])
    if not names:
        data["junk"] = [draw(junk_values())]
    return data


def hostile_settings(count: int = EXAMPLES) -> Callable[[F], F]:
    """Settings for one endpoint's run: `count` examples, no deadline, reproducible."""
    chosen = settings(
        max_examples=count,
        deadline=None,
        derandomize=SEED is None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
        print_blob=False,
    )

    def apply(test: F) -> F:
        test = chosen(test)
        return seed(int(SEED))(test) if SEED is not None else test

    return apply
