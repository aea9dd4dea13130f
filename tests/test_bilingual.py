"""Both languages, always: every page, catalogue entry and fixed phrase exists in Japanese and English."""

from kanguri import registry, render
from kanguri.paths import docs_dir


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
    assert len(entries) == 18 and len({e.id for e in entries}) == 18
    for e in entries:
        assert e.title.ja and e.title.en and e.summary.ja and e.summary.en and e.section in sections
        assert len(e.title.en) <= 40 and len(e.title.ja) <= 20, (
            f"{e.id}: titles are short; the claim is the sentence"
        )
    for table in (render.VERDICT_LABEL, render.KIND_LABEL, render.T):
        for label in table.values():
            assert label.ja.strip() and label.en.strip()
