"""The forms and htmx requests a page offers, read from its HTML (so a new form is fuzzed without a list)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

TEXTLIKE_SKIP = {"file", "image", "reset"}


@dataclass
class Form:
    page: str
    method: str  # "get" or "post"
    action: str  # a path
    fields: dict[str, list[str]] = field(default_factory=dict)
    htmx: bool = False

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.action}{' (htmx)' if self.htmx else ''}"


class _Parser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.hx: list[Form] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def _path(self, action: str | None) -> str:
        return urlsplit(urljoin(self.page, action or self.page)).path

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        for verb in ("get", "post"):
            target = attr.get(f"hx-{verb}")
            if target is not None:
                self.hx.append(Form(self.page, verb, self._path(target), htmx=True))
        if tag == "form":
            self.current = Form(
                self.page, (attr.get("method") or "get").lower(), self._path(attr.get("action"))
            )
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        name = attr.get("name")
        if tag == "input" and name:
            kind = attr.get("type", "text").lower()
            if kind in TEXTLIKE_SKIP:
                return
            if kind in {"checkbox", "radio"}:
                self.current.fields.setdefault(name, [])
                if "checked" in attr:
                    self.current.fields[name].append(attr.get("value", "on"))
                return
            if kind == "submit":
                self.current.fields.setdefault(name, [attr.get("value", "")])
                return
            self.current.fields.setdefault(name, []).append(attr.get("value", ""))
        elif tag == "button" and name:
            self.current.fields.setdefault(name, [attr.get("value", "")])
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
            self.current.fields.setdefault(name, [])
        elif tag == "option" and self._select is not None:
            value = attr.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attr:
                self.current.fields[self._select].append(value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select" and self._select is not None and self.current is not None:
            if not self._select_chosen and self._select_first is not None:
                self.current.fields[self._select].append(self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self.current is not None:
            self.current.fields.setdefault(self._textarea, []).append("".join(self._text).strip("\n"))
            self._textarea = None


def forms_on(page: str, html: str) -> list[Form]:
    """The page's forms, and each htmx request as a form of the same fields (the enclosing form's)."""
    parser = _Parser(page)
    parser.feed(html)
    found = list(parser.forms)
    fields: dict[str, list[str]] = {}
    for form in parser.forms:
        fields.update(form.fields)
    for hx in parser.hx:
        hx.fields = dict(fields)
        found.append(hx)
    for form in found:
        form.fields.pop("csrfmiddlewaretoken", None)
    return found
