"""The product's features that lessons promise ("no reminder between 22:00 and 08:00", "complain on
/help/"), each with a check that it is there and switched on.

A lesson lists the features it promises by key (`Lesson.promises`); it may not be submitted or published
while `feature_problems` reports anything for them (education.content_checks). Each app registers its
own features in its `AppConfig.ready()` with `feature_register`: core knows no app, and a check lives
beside what it checks, so removing the feature and forgetting the check is hard to do unseen.

A check is cheap and reads no database (it runs while an editor waits): it calls the real code with
small inputs (the contact rules with 21:59 and 22:00, the waterfall with a small payment), resolves the
page's URL and checks the view, or looks at what the code refers to. It never compares a constant it
copied from the code with itself. It returns the problems in the reader's language, [] when all is well.
Most checks are made of the helpers below: `url_problems`, `template_problems`, `uses_name`, `refers_to`.
"""

import inspect
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import CodeType, MappingProxyType
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

logger = logging.getLogger(__name__)

Check = Callable[[], list[str]]


@dataclass(frozen=True)
class Feature:
    key: str
    label: "StrOrPromise"  # for editors: "No reminders 22:00–08:00" (gettext_lazy)
    check: Check  # the problems, translated; [] when the feature is there and on


_features: dict[str, Feature] = {}


def feature_register(key: str, *, label: "StrOrPromise", check: Check) -> None:
    """Add a feature lessons may promise. A key is registered once: a second registration is a mistake
    (two apps claiming one promise, or one app's ready() run twice) and raises ImproperlyConfigured."""
    if not key or key != key.strip():
        raise ImproperlyConfigured(f"feature key {key!r} must be a non-empty name without spaces around it")
    if key in _features:
        raise ImproperlyConfigured(f"feature {key!r} is registered twice")
    _features[key] = Feature(key=key, label=label, check=check)


def features() -> Mapping[str, Feature]:
    """Every registered feature by key (read-only)."""
    return MappingProxyType(_features)


def feature_problems(keys: Iterable[str]) -> list[str]:
    """What is wrong with the features named, one sentence each, each prefixed with the feature's label;
    an unknown key is a problem naming it. [] when every feature is there and on.

    A check that raises is reported as a problem (and logged), never passed: a lesson is not published
    on the strength of a check that did not run."""
    problems: list[str] = []
    for key in dict.fromkeys(keys):
        feature = _features.get(key)
        if feature is None:
            problems.append(
                _("No feature is called “%(key)s”, so a lesson cannot promise it.") % {"key": key}
            )
            continue
        try:
            found = feature.check()
        except Exception as error:
            logger.exception("the check of feature %s failed", key)
            found = [_("it could not be checked (%(error)s).") % {"error": type(error).__name__}]
        problems += [
            _("%(feature)s: %(problem)s") % {"feature": feature.label, "problem": problem}
            for problem in found
        ]
    return problems


# --- what checks are made of ---------------------------------------------------------------------


def _view_name(view: Callable[..., Any]) -> str:
    return f"{getattr(view, '__module__', '?')}.{getattr(view, '__qualname__', repr(view))}"


def url_problems(path: str, *, name: str, view: Callable[..., Any] | None = None) -> list[str]:
    """That `path` (what lessons link to) is a page of the site, the one named `name` ("app:url_name"),
    drawn by `view` when given. Resolving needs no request and no database."""
    try:
        match = resolve(path)
    except Resolver404:
        return [_("the page %(path)s is not on the site.") % {"path": path}]
    if match.view_name != name:
        return [_("%(path)s is no longer the page “%(name)s”.") % {"path": path, "name": name}]
    if view is not None and inspect.unwrap(match.func) is not inspect.unwrap(view):
        return [_("%(path)s is no longer drawn by %(view)s.") % {"path": path, "view": _view_name(view)}]
    return []


def template_problems(template_name: str, *, shows: Iterable[str]) -> list[str]:
    """That the template exists and its own source still draws each of `shows` (a variable, an id, a
    link): the words around them may change, the thing promised may not go."""
    try:
        template = get_template(template_name)
    except TemplateDoesNotExist:
        return [_("the template %(template)s does not exist.") % {"template": template_name}]
    source = str(getattr(getattr(template, "template", None), "source", ""))
    return [
        _("the template %(template)s no longer shows %(what)s.") % {"template": template_name, "what": what}
        for what in shows
        if what not in source
    ]


def _codes(code: CodeType) -> Iterator[CodeType]:
    yield code
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            yield from _codes(constant)  # comprehensions, lambdas and inner functions


def uses_name(function: Callable[..., Any], name: str) -> bool:
    """Whether `function`'s code (its comprehensions and inner functions included) uses `name`: a global,
    or an attribute (`loanmath.allocate_payment` uses both names)."""
    code = getattr(inspect.unwrap(function), "__code__", None)
    return isinstance(code, CodeType) and any(name in c.co_names for c in _codes(code))


def refers_to(function: Callable[..., Any], name: str, target: object) -> bool:
    """Whether `function`'s code uses the global `name` and its module binds `name` to `target`. A static
    test for a promise only a database could show at work: "a submitted application cancels the loans'
    reminders" is "the submission calls notifications' messages_cancel"."""
    unwrapped = inspect.unwrap(function)
    return uses_name(unwrapped, name) and getattr(unwrapped, "__globals__", {}).get(name) is target
