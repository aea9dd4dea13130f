"""Both languages, always: every page, catalogue entry and fixed phrase exists in Japanese and English."""

import re

from kanguri import phrases, registry
from kanguri.paths import PACKAGE_DIR, docs_dir


def test_every_page_has_its_twin():
    pages = {p.relative_to(docs_dir()).as_posix() for p in docs_dir().rglob("*.md")}
    for page in pages:
        stem, lang, _ = page.rsplit(".", 2)
        assert lang in ("ja", "en"), f"{page}: pages are named <name>.ja.md / <name>.en.md"
        twin = f"{stem}.{'en' if lang == 'ja' else 'ja'}.md"
        assert twin in pages, f"{page} has no {twin}"


def test_japanese_pages_are_japanese_and_english_pages_are_not():
    for page in docs_dir().rglob("*.ja.md"):
        text = page.read_text(encoding="utf-8")
        assert any("\u3040" <= ch <= "\u30ff" for ch in text), f"{page}: no kana"
    for page in docs_dir().rglob("*.en.md"):
        text = page.read_text(encoding="utf-8")
        kana = sum("\u3040" <= ch <= "\u30ff" for ch in text)
        assert kana < 40, f"{page}: {kana} kana characters in an English page"


def test_catalogue_and_labels_are_complete():
    sections, entries = registry.catalogue()
    assert entries and len({e.id for e in entries}) == len(entries)
    for e in entries:
        assert e.title.ja and e.title.en and e.summary.ja and e.summary.en and e.section in sections
        assert len(e.title.en) <= 40 and len(e.title.ja) <= 20, (
            f"{e.id}: titles are short; the claim is the sentence"
        )
        if e.keywords is not None:
            assert e.keywords.ja.strip() and e.keywords.en.strip(), e.id


def test_the_sites_words_exist_in_every_language():
    """The site's catalogue and the interval methods: every key in every language, with the same placeholders;
    every verdict and kind has its label."""
    for catalogue in (phrases.site(), phrases.methods()):
        assert list(catalogue.problems()) == []
    for v in phrases.VERDICTS:
        assert phrases.verdict_label(v).ja.strip() and phrases.verdict_label(v).en.strip()
    for k in phrases.KINDS:
        assert phrases.kind_label(k).ja.strip() and phrases.kind_label(k).en.strip()


def test_every_key_of_the_sites_catalogue_is_used():
    """A key is used when the engine names it whole (``"heading.method"``), or names its group in an f-string
    (``f"column.{k}"``) and its last part as a string (``"wall"``)."""
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in [*(PACKAGE_DIR).glob("*.py"), *(PACKAGE_DIR / "templates").glob("*.j2")]
    )
    dynamic = set(re.findall(r'f"([a-z_.]+)\.\{', source))
    unused = []
    for key in sorted(phrases.site().keys()):
        group, _, last = key.rpartition(".")
        named = f'"{key}"' in source or f"'{key}'" in source
        by_group = group in dynamic and (f'"{last}"' in source or group in ("verdict", "kind"))
        if not (named or by_group):
            unused.append(key)
    assert unused == []
