"""The site's own words, read from message catalogues.

- ``kanguri/locales/site.<lang>.yml``: verdicts, kinds, the claim page's headings, table heads, fixed sentences.
- ``experiments/common/methods.<lang>.yml``: how an interval was obtained. Experiments name the method in
  English (``Estimate.method``) and stay free of the engine; the catalogue beside them, keyed by that string,
  gives the page's language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from kanguri.markup import fill
from kanguri.messages import Catalogue, load_catalogue
from kanguri.paths import PACKAGE_DIR, experiments_dir
from kanguri.text import L

LOCALES = PACKAGE_DIR / "locales"
VERDICTS = ("supported", "partly", "not-supported", "not-testable", "failed", "planned")
KINDS = ("experiment", "sourced", "opinion")


@cache
def site() -> Catalogue:
    return load_catalogue(LOCALES / "site")


@cache
def _methods(stem: Path) -> Catalogue:
    return load_catalogue(stem)


def methods() -> Catalogue:
    """The project's interval methods (a test project without its own falls back to Kanguri's)."""
    stem = experiments_dir() / "common" / "methods"
    if not stem.with_suffix(".en.yml").is_file():
        stem = PACKAGE_DIR.parent / "experiments" / "common" / "methods"
    return _methods(stem)


def words(key: str, lang: str) -> str:
    """A fixed phrase as plain text (for the command line, attributes built elsewhere, tests)."""
    return site()(key)(lang)


def phrase(key: str, lang: str, **values: Any) -> Markup:
    """A fixed phrase, escaped, with its placeholders filled (escaped unless ``Markup``)."""
    return fill(words(key, lang), **values)


def counted(n: int, one: str, many: str, lang: str) -> str:
    """A count with its noun, singular for one (``count.claim``: "1 claim") and plural otherwise
    (``count.claims``: "6 claims"): English has real plurals, never "claim(s)"."""
    return words(one if n == 1 else many, lang).format(n=n)


def verdict_label(verdict: str) -> L:
    return site()(f"verdict.{verdict}")


def kind_label(kind: str) -> L:
    return site()(f"kind.{kind}")


def method_name(method: str, lang: str) -> str:
    """The method in the page's language; an unknown one as the experiment named it
    (``tests/test_render.py`` checks that every method an experiment names is in the catalogue)."""
    cat = methods()
    return cat(method).texts().get(lang, method) if cat.has(method) else method
