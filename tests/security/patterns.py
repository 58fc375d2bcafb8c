"""Every URL pattern of the project, read from the resolver (allauth's and the admin's included)."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the full route for an unnamed pattern
    route: str
    params: tuple[str, ...]  # the names of the URL's parameters
    named: bool = True


def _params(entry: URLPattern | URLResolver) -> list[str]:
    pattern = entry.pattern
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    regex = getattr(pattern, "regex", None)
    return list(regex.groupindex) if regex is not None else []


def url_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str, params: list[str]) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
                walk(entry, prefix + str(entry.pattern), inner, params + _params(entry))
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = entry.name or route
                key = f"{namespace}:{name}" if namespace else name
                found.append(
                    Pattern(key, route, tuple(params + _params(entry)), named=entry.name is not None)
                )

    walk(get_resolver(), "", "", [])
    # One key can name several patterns (allauth registers a few twice); keep the first, as reverse does.
    unique: dict[str, Pattern] = {}
    for pattern in found:
        unique.setdefault(pattern.key, pattern)
    return list(unique.values())
