"""The parts of a claim page that kit v3 adds: where in the essay the claim comes from (and what is ours), the
checks with their outcomes, the robustness label and map. Each returns escaped text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from kanguri import cache, registry
from kanguri.fragments import badge, prose, unit_text
from kanguri.markup import esc, join, link, md_table
from kanguri.messages import Catalogue, catalogue_files, load_catalogue
from kanguri.numbers import fmt_cited, fmt_number
from kanguri.paths import claims_dir, module_name
from kanguri.phrases import counted, phrase, verdict_label, words

OUTCOME_ICONS = {True: "✓", False: "✗", None: "?"}
OUTCOME_WORDS = {True: "outcome.holds", False: "outcome.fails", None: "outcome.undetermined"}
LABEL_WORDS = {
    "robust": ("robust.robust", "robust.robust_tip"),
    "fragile": ("robust.fragile", "robust.fragile_tip"),
    "undetermined": ("robust.undetermined", "robust.undetermined_tip"),
}
CONTROL_WORDS = {
    "not-supported": "robust.control.not-supported",
    "partly": "robust.control.partly",
    "supported": "robust.control.supported",
}
NOTES = {"sanity": "outcome.sanity", "extension": "outcome.extension"}  # a check's kind -> its note
SHOWN_EXCEPTIONS = 4  # a map's sentence names at most this many specifications that differ


def claim_words(claim_id: str) -> Catalogue | None:
    stem = claims_dir() / module_name(claim_id)
    return load_catalogue(stem) if catalogue_files(stem) else None


def quoted(phrases: tuple[str, ...] | list[str], lang: str) -> str:
    """The essay's own words, quoted as each language quotes: 「…」 in Japanese, “…” in English."""
    return words("list_sep", lang).join(f"「{p}」" if lang == "ja" else f"“{p}”" for p in phrases)


def essay_place(claim_id: str, statement: str, lang: str) -> Markup:
    """The quote box under the title: the essay's part and point in its own words, its point in ours, our
    reading (what the verdict is about), and what we added."""
    e = registry.entry(claim_id)
    lines = []
    if e.essay is not None:
        part = registry.catalogue()[0][e.essay.section](lang)
        # point 0: the part's opening lines, before its numbered points
        where = phrase(
            "essay.place" if e.essay.point else "essay.opening", lang, part=part, point=e.essay.point
        )
        lines.append(join([where, words("colon", lang), esc(quoted(e.essay.phrases, lang))]))
    if e.says is not None:
        lines.append(
            join([Markup(f"**{phrase('essay.says', lang)}**"), words("colon", lang), esc(e.says(lang))])
        )
    lines.append(join([Markup(f"**{phrase('essay.reading', lang)}**"), words("colon", lang), esc(statement)]))
    if e.extension is not None:
        ours = Markup(f"**{phrase('essay.extension', lang)}**")
        lines.append(join([ours, words("colon", lang), esc(e.extension(lang))]))
    return Markup("\n\n    ".join(lines))


_CJK_GAP = re.compile(r"([。、）」])\s+(?=[\u3040-\u30ff\u3400-\u9fff])")


def _joined(text: str) -> str:
    """A check's sentence and the sentence saying why it is undetermined are joined by a space, which Japanese
    does not put between sentences: drop it after Japanese punctuation."""
    return _CJK_GAP.sub(r"\1", text)


def check_lines(
    decision: dict, lang: str, indent: str = "    ", labels: Mapping[str, str] | None = None
) -> Markup:
    """One line per check: its outcome (holds ✓, fails ✗, undetermined ?), its sentence (typeset as
    :func:`~kanguri.fragments.prose`, a list of cited inputs' internal names as their ``labels``), and "not
    counted" after a sanity check."""
    names = list(decision.get("checks") or {})
    out = []
    for i, reason in enumerate(decision["reasons"]):
        name = names[i] if i < len(names) else None
        outcome = decision["checks"][name] if name is not None else None
        icon = OUTCOME_ICONS[outcome] if name is not None else "•"
        tag = words(OUTCOME_WORDS[outcome], lang)
        sentence = prose(_joined(reason[lang]), lang, labels)
        line = f'{indent}- <span class="kg-outcome" title="{esc(tag)}">{icon}</span> {sentence}'
        for kind, key in NOTES.items():
            if name in (decision.get(kind) or []):
                said = esc(_parenthesised(words(key, lang), lang).strip())
                line += f' <span class="kg-note">{said}</span>'
                break
        out.append(line)
    return Markup("\n".join(out))


def label_chip(record: dict, lang: str) -> Markup:
    """robust / fragile, as a small chip; nothing when the record has no map."""
    mapped = record.get("robustness") if record.get("status") == "ok" else None
    if not mapped:
        return Markup()
    label = effective_label(record)
    name, tip = (words(key, lang) for key in LABEL_WORDS[label])
    return Markup(f'<span class="kg-chip kg-{label}" title="{esc(tip)}">{esc(name)}</span>')


def effective_label(record: dict) -> str:
    """The map's label, with the hardware as one more knob: a GPU (full-profile) verdict that differs from the
    site profile's makes the verdict fragile."""
    label = record["robustness"]["label"]
    if _never_decided(record):
        return "undetermined"
    full = cache.load_frozen(record["claim"], "full") if record.get("claim") else None
    if full and full.get("status") == "ok" and full["decision"]["verdict"] != record["decision"]["verdict"]:
        return "fragile"
    return label


def _never_decided(record: dict) -> bool:
    """No counted check decided at any setting of the map (each one undetermined everywhere): the same verdict
    at every setting then says nothing about robustness, so the label says "undetermined", not "robust"."""
    d = record["decision"]
    counted = set(d["checks"]) - set(d.get("sanity") or ()) - set(d.get("extension") or ())
    grid = [s for s in record["robustness"]["specs"] if not s["null"]]
    return bool(counted and grid) and all(s["checks"].get(c) is None for s in grid for c in counted)


def _unnamed(name: str) -> str:
    """An internal name the claim gave no label, readable at least: ``kv_heads`` → "kv heads" (a page must
    not show ``brain_power``, nor break it mid-word in a narrow cell)."""
    return name.replace("_", " ")


def _knob(cat: Catalogue | None, name: str, lang: str) -> str:
    key = f"knobs.{name}.label"
    return cat(key)(lang) if cat is not None and cat.has(key) else _unnamed(name)


def _setting(value: Any, lang: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ", ".join(map(str, value)) if isinstance(value, list) else _unnamed(str(value))
    return fmt_number(value, lang) if isinstance(value, int) else f"{value:g}"  # as the claim wrote it


def cited_labels(claim_id: str, lang: str) -> dict[str, str]:
    """A sourced claim's cited inputs, internal name → label in ``lang`` (empty when it cites none)."""
    try:
        sources = registry.load(claim_id).sources
    except Exception:  # a claim that does not load shows as failed elsewhere; its names stay as they are
        return {}
    return {} if sources is None else {k: v.label(lang) for k, v in sources.values.items()}


def _cited(claim_id: str, name: str, lang: str) -> str | None:
    """A cited input named as a knob's setting (a null specification's "the brain's own power"): its label and
    its value as cited, ``power of the brain (20 W)``."""
    try:
        sources = registry.load(claim_id).sources
    except Exception:
        return None
    v = sources.values.get(name) if sources is not None else None
    if v is None or v.value is None:
        return None
    unit = unit_text(v.unit(lang)) if v.unit else ""
    return f"{v.label(lang)} ({fmt_cited(v.value, lang)}{unit})"


def _named(cat: Catalogue | None, knob: str, value: Any, lang: str, claim_id: str | None = None) -> str:
    """A knob's setting as the reader reads it: a named choice's label (``knobs.<knob>.values.<value>``), a
    cited input's label and value, or the number as the claim wrote it."""
    key = f"knobs.{knob}.values.{value}"
    if isinstance(value, str) and cat is not None and cat.has(key):
        return cat(key)(lang)
    if isinstance(value, str) and claim_id is not None and (cited := _cited(claim_id, value, lang)):
        return cited
    return _setting(value, lang)


def _spec_text(cat: Catalogue | None, knobs: dict, lang: str, claim_id: str | None = None) -> str:
    return words("list_sep", lang).join(
        f"{_knob(cat, k, lang)} = {_named(cat, k, v, lang, claim_id)}" for k, v in knobs.items()
    )


# Japanese puts no space between two Japanese characters: a setting that ends in one, then 「では」
_JA_GAP = re.compile(r"(?<=[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef])\s+(?=[\u3040-\u30ff\u3400-\u9fff])")


def map_sentence(claim_id: str, mapped: dict, lang: str) -> Markup:
    """ "Supported in 7 of 9 specifications; partly at …", generated from the map."""
    cat = claim_words(claim_id)
    grid = [s for s in mapped["specs"] if not s["null"]]
    counts = Counter(s["verdict"] for s in grid)
    main, n_main = counts.most_common(1)[0]
    specs = counted(len(grid), "count.specification", "count.specifications", lang)
    parts = [phrase("robust.most", lang, verdict=verdict_label(main)(lang), k=n_main, specs=specs)]
    for verdict in (v for v in counts if v != main):
        at = [_spec_text(cat, s["knobs"], lang, claim_id) for s in grid if s["verdict"] == verdict]
        sep = words("spec_sep", lang)
        shown = sep.join(at[:SHOWN_EXCEPTIONS]) + (sep + "…" if len(at) > SHOWN_EXCEPTIONS else "")
        parts.append(phrase("robust.other", lang, verdict=verdict_label(verdict)(lang), at=shown))
    nulls = [s for s in mapped["specs"] if s["null"]]
    if nulls:
        said = words("list_sep", lang).join(sorted({verdict_label(s["verdict"])(lang) for s in nulls}))
        parts.append(phrase("robust.nulls", lang, n=len(nulls), verdicts=said))
    sentence = words("sentence_sep", lang).join(parts) + words("full_stop", lang)
    return Markup(_JA_GAP.sub("", sentence) if lang == "ja" else sentence)


def _parenthesised(text: str, lang: str) -> str:
    """`` (text)`` after a word; in Japanese, full-width and without the space: ``（text）``."""
    return f"（{text}）" if lang == "ja" else f" ({text})"


def _headline(spec: dict, lang: str) -> str:
    h = spec.get("headline")
    return "—" if not h or h.get("value") is None else fmt_number(h["value"], lang, digits=3)


def robustness(claim_id: str, record: dict, lang: str) -> Markup:
    """The section: the label, the sentence, why each knob's range, and the table of specifications."""
    mapped = record.get("robustness") if record.get("status") == "ok" else None
    if not mapped:
        return Markup()
    cat = claim_words(claim_id)
    out = [join([label_chip(record, lang), " ", map_sentence(claim_id, mapped, lang)])]
    reasons = []
    for name, values in mapped["knobs"].items():
        key = f"knobs.{name}.reason"
        why = cat(key)(lang) if cat is not None and cat.has(key) else ""
        settings = words("list_sep", lang).join(_named(cat, name, v, lang, claim_id) for v in values)
        reasons.append(
            f"- **{esc(_knob(cat, name, lang))}**{esc(_parenthesised(settings, lang))}"
            f"{esc(words('colon', lang))}{prose(why)}"
        )
    out.append(Markup("\n".join(reasons)))
    names = list(mapped["knobs"])
    head = [_knob(cat, k, lang) for k in names]
    head += [words("column.verdict", lang), words("column.headline", lang), words("column.control", lang)]
    rows = []
    for s in mapped["specs"]:
        knob_cells = [_named(cat, k, s["knobs"].get(k, "—"), lang, claim_id) for k in names]
        if s["null"]:
            spec = _spec_text(cat, s["knobs"], lang, claim_id)
            knob_cells[0] = f"{words('robust.null_spec', lang)}{words('colon', lang)}{spec}"
            knob_cells[1:] = ["" for _ in knob_cells[1:]]
        elif s["knobs"] == mapped["main"]:
            knob_cells[0] += _parenthesised(words("robust.main", lang), lang)
        control = words(CONTROL_WORDS[s["control"]], lang)
        rows.append([*knob_cells, badge(s["verdict"], lang), _headline(s, lang), control])
    out.append(md_table(head, rows))
    glossary = link(words("robust.glossary", lang), "../glossary.md")
    out.append(join([phrase("robust.base", lang, profile=mapped["base"]), " ", glossary]))
    return Markup("\n\n".join(out))


def on_gpu(claim_id: str, site_verdict: str, lang: str) -> Markup:
    """The verdict of the claim's frozen full-profile record (the GPU run) beside the site profile's, with a
    sentence when they differ; nothing when there is no such record."""
    full = cache.load_frozen(claim_id, "full")
    if not full or full.get("status") != "ok":
        return Markup()
    gpu = full.get("accelerator") or "none"
    verdict = full["decision"]["verdict"]
    key = "gpu.same" if verdict == site_verdict else "gpu.differs"
    said = phrase(
        key, lang, gpu=gpu, site=verdict_label(site_verdict)(lang), full=verdict_label(verdict)(lang)
    )
    return join([badge(verdict, lang), " ", said])


def extension_badge(decision: dict, lang: str) -> Markup:
    """Our extension's own verdict. When none of its checks could decide (each undetermined), it reads
    "undetermined", not the "not supported" that grading those non-decisions would give."""
    ext = decision.get("extension") or []
    if ext and all(decision["checks"].get(name) is None for name in ext):
        return Markup(
            f'<span class="kg-badge kg-undetermined">{esc(words("outcome.undetermined", lang))}</span>'
        )
    return badge(decision["extension_verdict"], lang)
