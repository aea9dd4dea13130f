"""Message catalogues: every sentence a reader sees, keyed, one YAML file per language.

A catalogue is a group of files ``<stem>.<lang>.yml`` side by side (``claims/spiking_bandwidth.ja.yml`` and
``claims/spiking_bandwidth.en.yml``, ``kanguri/locales/site.ja.yml``…). Each file is a nested mapping; nested
keys are joined with dots (``checks.little.yes``). Text uses ``str.format`` placeholders by name
(``{bits:.2f}``), the same set in every language. A list (a table's column headings) becomes ``key.0``,
``key.1``….

Why keyed YAML and not gettext: the keys name a place (a check, a value, a figure), not an English sentence, so
an English edit does not orphan the Japanese; files sit beside the claim they belong to; and translation tools
(Weblate, Crowdin) read per-language YAML as they read Material's keyed language files.

Japanese and English are required. Any other language whose files are present is loaded too, so a third
language is a matter of adding files (``tests/test_pseudo_locale.py`` builds a claim page in a pseudo-locale).
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from kanguri.errors import ClaimError
from kanguri.text import LANGS, L

REQUIRED = LANGS  # every catalogue has these languages


def placeholders(text: str) -> set[str]:
    """The named fields of a ``str.format`` template: ``"{x:.2f} of {n}"`` → ``{"x", "n"}``."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def _flatten(tree: Any, prefix: str, out: dict[str, str], origin: Path) -> None:
    if isinstance(tree, dict):
        for k, v in tree.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out, origin)
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            _flatten(v, f"{prefix}.{i}", out, origin)
    elif isinstance(tree, str | int | float) and not isinstance(tree, bool):
        out[prefix] = str(tree)
    else:
        raise ClaimError(f"{origin}: key {prefix!r} holds {type(tree).__name__}; messages are text")


class Catalogue:
    """The messages of one claim (or of the site), in every language present."""

    def __init__(self, name: str, texts: dict[str, dict[str, str]]) -> None:
        self.name = name  # the stem, for error messages
        self.texts = texts  # language -> flat key -> template

    def __call__(self, key: str, **fill: Any) -> L:
        """The message ``key`` in every language; with ``fill``, its placeholders filled."""
        try:
            by_lang = {lang: texts[key] for lang, texts in self.texts.items()}
        except KeyError:
            near = sorted(k for k in self.keys() if k.split(".")[0] == key.split(".")[0])[:8]
            raise ClaimError(f"{self.name}: no message {key!r} (keys nearby: {near})") from None
        if fill:
            try:
                by_lang = {lang: t.format(**fill) for lang, t in by_lang.items()}
            except (KeyError, IndexError, ValueError) as e:
                raise ClaimError(f"{self.name}: message {key!r} could not be filled: {e!r}") from None
        return L(**by_lang)

    def has(self, key: str) -> bool:
        return all(key in texts for texts in self.texts.values())

    def keys(self) -> set[str]:
        return set().union(*(t.keys() for t in self.texts.values()))

    def list(self, key: str) -> list[L]:
        """A list message (``key.0``, ``key.1``, …), e.g. a table's column headings."""
        items: list[L] = []
        while self.has(f"{key}.{len(items)}"):
            items.append(self(f"{key}.{len(items)}"))
        if not items:
            raise ClaimError(f"{self.name}: no list message {key!r}")
        return items

    def problems(self) -> Iterator[str]:
        """Keys missing in a language, and placeholders that differ between languages."""
        for key in sorted(self.keys()):
            present = {lang: t[key] for lang, t in self.texts.items() if key in t}
            for lang in self.texts.keys() - present.keys():
                yield f"{self.name}: {key!r} is missing in {lang}"
            fields = {lang: placeholders(t) for lang, t in present.items()}
            if len({frozenset(f) for f in fields.values()}) > 1:
                yield f"{self.name}: {key!r} uses different placeholders: {fields}"


def catalogue_files(stem: Path) -> dict[str, Path]:
    """The language files of a catalogue: ``claims/x`` → ``{"ja": claims/x.ja.yml, "en": …}``."""
    out = {}
    for path in sorted(stem.parent.glob(f"{stem.name}.*.yml")):
        lang = path.name[len(stem.name) + 1 : -len(".yml")]
        if lang.isalpha() and len(lang) <= 3:  # "ja", "en", "xx"; not "sources" or "anchors"
            out[lang] = path
    return out


def load_catalogue(stem: Path) -> Catalogue:
    """Read ``<stem>.<lang>.yml`` for every language present; Japanese and English must be there."""
    files = catalogue_files(stem)
    missing = [lang for lang in REQUIRED if lang not in files]
    if missing:
        raise ClaimError(f"{stem}: message catalogue missing for {missing} (expected {stem}.<lang>.yml)")
    texts: dict[str, dict[str, str]] = {}
    for lang, path in files.items():
        try:
            tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as e:
            raise ClaimError(f"{path}: not valid YAML: {e}") from None
        flat: dict[str, str] = {}
        _flatten(tree, "", flat, path)
        texts[lang] = flat
    return Catalogue(stem.name, texts)


def of_module(module_file: str) -> Catalogue:
    """The catalogue beside a module: ``claims/x.py`` → ``claims/x.ja.yml`` and ``claims/x.en.yml``."""
    path = Path(module_file)
    return load_catalogue(path.with_suffix(""))
