"""Lesson Markdown to safe HTML, once, when an editor saves (never per request).

Python-Markdown turns the text into HTML and lets raw HTML through; nh3 (the Rust sanitiser ammonia)
then keeps only an allow-list: headings, paragraphs, lists, emphasis, code, quotes, tables and links
whose address is http(s) or relative. Scripts, styles and embedded frames go with their content, every
event-handler attribute goes, and `javascript:` / `data:` addresses are dropped. Links get
rel="noopener noreferrer". A level-1 heading becomes level 2: the lesson title is the page's only h1.

Python-Markdown is far from linear on hostile input: 100,000 characters of `<a <a <a …` take minutes,
and `1. 1. 1. …` overflows the stack. So the text is rendered in a child process with a time limit
(`render_bounded`); the web process never runs the renderer itself. This module imports nothing of
Django's, so the child starts in well under 0.1 s.
"""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "b", "i",
    "code", "pre", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}
# Removed together with everything inside them, not just the tags.
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea"}
URL_SCHEMES = {"http", "https"}
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class RenderError(Exception):
    """The text could not be rendered in time (or nests too deeply)."""


class _DemoteH1(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter("h1"):
            element.tag = "h2"


class _DemoteH1Extension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 -- Python-Markdown's name
        md.treeprocessors.register(_DemoteH1(md), "demote_h1", 5)


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """The lesson body as HTML that is safe to show as it is. Unbounded time: call render_bounded."""
    html = markdown.markdown(
        text, extensions=["tables", "sane_lists", "fenced_code", _DemoteH1Extension()], output_format="html"
    )
    return sanitise_html(html)


def render_bounded(texts: Sequence[str], *, timeout_seconds: float) -> list[str]:
    """Render each text in one child process; RenderError if it takes longer than the limit or fails."""
    try:
        # The command is this interpreter and this module; the texts go in on stdin, never as arguments.
        finished = subprocess.run(
            [sys.executable, "-m", "education.rendering"],
            input=json.dumps(list(texts)),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout_seconds,
            cwd=PROJECT_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise RenderError("timeout") from error
    if finished.returncode != 0:
        raise RenderError(finished.stderr.strip().splitlines()[-1] if finished.stderr.strip() else "failed")
    rendered: list[str] = json.loads(finished.stdout)
    return rendered


def _main() -> None:
    sys.setrecursionlimit(2000)
    texts = json.loads(sys.stdin.read())
    try:
        out = [render_markdown(text) for text in texts]
    except RecursionError:
        sys.stderr.write("too deeply nested\n")
        sys.exit(2)
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    _main()
