"""Walkthrough notebooks: every live claim, runnable by the reader, in both languages.

For each claim and language this module writes a sphinx-gallery-style script (``# %%`` cells, text cells in the
language), turns it into a notebook with sphinx-gallery's script-to-notebook converter, and executes it with
nbclient at the quick profile. The notebook runs the claim, shows its verdict, values and figures, then changes
one parameter (the seed) and runs it again. Executed notebooks are cached under a key made from the script and
the records it reads, so a build re-executes only what changed; mkdocs-jupyter renders them as pages.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from kanguri import cache, registry
from kanguri.markup import esc
from kanguri.notebook import profile_name
from kanguri.paths import PACKAGE_DIR, cache_dir, root
from kanguri.text import LANGS, L, Lang

TEXT = {
    "intro": L(
        ja="このノートブックは、主張「{title}」を手元で実行します。`quick` プロファイル（テスト用の小さな設定）で"
        "実験を走らせ、判定・数値・図を表示したあと、パラメータを一つ変えてもう一度実行します。"
        "Kanguri のリポジトリで `make setup` をしてから、その中で開いてください。",
        en="This notebook runs the claim “{title}” on your machine. It runs the experiment at the `quick` profile "
        "(a small setting, the one the tests use), shows the verdict, the values and the figures, then changes one "
        "parameter and runs it again. Open it inside a Kanguri checkout after `make setup`.",
    ),
    "claim": L(
        ja="私たちの読み（判定の対象）：{statement}",
        en="Our reading (what the verdict is about): {statement}",
    ),
    "run": L(
        ja="## 1. 主張を実行する\n\n記録がキャッシュにあればそれを使い、なければ実験を走らせます。",
        en="## 1. Run the claim\n\nThe record comes from the cache when it is there; otherwise the experiment runs.",
    ),
    "rerun": L(
        ja="## 2. パラメータを一つ変えて、もう一度\n\n乱数の種を {seed} から {new} に変えます。"
        "判定がたまたま良い種に頼っていないかを確かめられます。ほかのパラメータも同じように変えられます。",
        en="## 2. Change one parameter and run again\n\nThe random seed goes from {seed} to {new}: the verdict "
        "should not hang on one lucky seed. Any other parameter can be changed the same way.",
    ),
    "opinion": L(
        ja="この主張は意見（予測や価値判断）なので、実験は走らず、判定は「検証不能」です。判断材料はページにあります。",
        en="This claim is an opinion (a forecast or a value judgement): no experiment runs, and the verdict is "
        "not testable. The evidence for and against is on its page.",
    ),
}


def script(claim_id: str, lang: Lang) -> str:
    """The sphinx-gallery-style script of one claim's walkthrough, in one language."""
    claim = registry.load(claim_id)
    # escaped (kanguri.markup): a title or statement is shown as written, never read as Markdown or HTML
    title, statement = esc(claim.title(lang)), esc(claim.statement(lang))
    intro = TEXT["intro"](lang).format(title=title) + "\n\n" + TEXT["claim"](lang).format(statement=statement)
    parts = [f'"""\n# {title}\n\n{intro}\n"""\n', "from kanguri.notebook import run, show\n"]
    if claim.kind == "opinion":
        parts.append(_text(TEXT["opinion"](lang)))
        parts.append(f'show(run("{claim_id}"), "{lang}")\n')
        return "\n".join(parts)
    seed = claim.config("quick").seed
    parts += [
        _text(TEXT["run"](lang)),
        f'record = run("{claim_id}")\nshow(record, "{lang}")\n',
        _text(TEXT["rerun"](lang).format(seed=seed, new=seed + 1)),
        f'again = run("{claim_id}", seed={seed + 1})\nshow(again, "{lang}")\n',
    ]
    return "\n".join(parts)


def _text(markdown: str) -> str:
    return "# %%\n" + "\n".join(f"# {line}".rstrip() for line in markdown.splitlines()) + "\n"


def to_notebook(script_path: Path) -> dict:
    """sphinx-gallery's converter: the script's text blocks become Markdown cells, its code blocks code cells."""
    from sphinx_gallery.notebook import jupyter_notebook
    from sphinx_gallery.py_source_parser import split_code_and_text_blocks

    _, blocks = split_code_and_text_blocks(str(script_path))[:2]
    conf = {
        "first_notebook_cell": None,
        "last_notebook_cell": None,
        "notebook_images": False,
        "pypandoc": False,
        "promote_jupyter_magic": False,
        "notebook_extensions": {"ipynb"},
    }
    return jupyter_notebook(blocks, conf, str(script_path.parent))


def _key(claim_id: str, text: str) -> str:
    """Changes when the script, a record it shows, or the way ``show`` draws them would change."""
    claim = registry.load(claim_id)
    h = hashlib.sha256(text.encode())
    h.update((PACKAGE_DIR / "notebook.py").read_bytes())
    if claim.kind != "opinion":
        seed = claim.config("quick").seed
        for profile in ("quick", profile_name("quick", {"seed": seed + 1})):
            h.update(cache.key(claim_id, profile, claim.config(profile), claim.seed).encode())
    return h.hexdigest()[:16]


def build(claim_id: str, lang: Lang, out: Path) -> tuple[Path, Path]:
    """Write ``out/<id>.<lang>.py`` and the executed ``out/<id>.<lang>.ipynb`` (from the cache when the key
    matches); a file already identical is left alone, so ``mkdocs serve`` does not rebuild for nothing.

    When the notebook cannot be made, both files go and the error is raised: the last build's notebook must
    not be served as this one's."""
    written = (out / f"{claim_id}.{lang}.py", out / f"{claim_id}.{lang}.ipynb")
    try:
        text = script(claim_id, lang)
        source = _executed(claim_id, lang, text)
        out.mkdir(parents=True, exist_ok=True)
        _write_if_changed(written[0], text.encode())
        _write_if_changed(written[1], source.read_bytes())
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def _executed(claim_id: str, lang: Lang, text: str) -> Path:
    """The executed notebook of ``text``: cached, frozen, or executed now and cached.

    The other language's notebook, when it is not cached either, runs right after it in the same kernel: its
    runs are then cache hits, so the second language costs its display, not another kernel start."""
    cached = _cached(claim_id, lang, text)
    if (found := _available(cached)) is not None:
        return found
    others = [(other, script(claim_id, other)) for other in LANGS if other != lang]
    with kernel() as km:
        _execute_into(cached, _notebook(claim_id, lang, text), km)
        for other, other_text in others:
            if _available(later := _cached(claim_id, other, other_text)) is None:
                # a failure here is not this notebook's: that language's own build() runs it again and says so
                with suppress(Exception):
                    _execute_into(later, _notebook(claim_id, other, other_text), km)
    return cached


def _cached(claim_id: str, lang: Lang, text: str) -> Path:
    return cache_dir() / "notebooks" / f"{claim_id}.{lang}.{_key(claim_id, text)}.ipynb"


def _available(cached: Path) -> Path | None:
    frozen = root() / "results" / "notebooks" / cached.name
    return cached if cached.is_file() else frozen if frozen.is_file() else None


def _notebook(claim_id: str, lang: Lang, text: str) -> Any:
    import nbformat

    with tempfile.TemporaryDirectory() as tmp:
        py = Path(tmp) / f"{claim_id.replace('-', '_')}_{lang}.py"
        py.write_text(text, encoding="utf-8")
        return nbformat.reads(json.dumps(to_notebook(py)), as_version=4)  # joins the lines of each cell


def _execute_into(cached: Path, nb: Any, km: Any) -> None:
    import nbformat

    execute(nb, km)
    cached.parent.mkdir(parents=True, exist_ok=True)
    staged = cached.with_suffix(f".{uuid.uuid4().hex}.tmp")  # one per build: two builds may race here
    nbformat.write(nb, staged)
    staged.rename(cached)  # atomic: a crash leaves no half-written notebook


@contextmanager
def kernel() -> Iterator[Any]:
    """A Python kernel for this build, shut down afterwards (nbclient leaves a kernel it was handed running).

    It talks over local sockets (ipc: no network) in a private temporary folder: two builds at once never
    share one, and none is left in the project."""
    from jupyter_client.manager import KernelManager

    with tempfile.TemporaryDirectory(prefix="kanguri-kernel-") as sockets:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        try:
            yield km
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=True)


def execute(nb: Any, km: Any) -> None:
    """Run every cell of ``nb`` top to bottom on the kernel of ``km``, in the project root. Cells are numbered
    from 1, as in a kernel of their own, even when a notebook ran before on the same kernel."""
    from nbclient import NotebookClient

    NotebookClient(nb, km=km, timeout=1800, resources={"metadata": {"path": str(root())}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    for n, cell in enumerate(code, start=1):
        cell.execution_count = n
        for out in cell.get("outputs", []):
            if "execution_count" in out:
                out["execution_count"] = n


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)


def freeze() -> list[Path]:
    """Copy the executed notebooks of the current code into ``results/notebooks/`` (see ``kanguri freeze``).

    A notebook already frozen under its current key stays; frozen notebooks of older keys are removed."""
    dest = root() / "results" / "notebooks"
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for claim_id in registry.implemented():
        for lang in ("ja", "en"):
            name = f"{claim_id}.{lang}.{_key(claim_id, script(claim_id, lang))}.ipynb"
            src = cache_dir() / "notebooks" / name
            if src.is_file():
                shutil.copy2(src, dest / name)
            if (dest / name).is_file():
                written.append(dest / name)
    for old in set(dest.glob("*.ipynb")) - set(written):
        old.unlink()
    return written


def outputs_text(nb_path: Path) -> str:
    """Every text output of an executed notebook, for tests."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append("".join(data.get("text/markdown", "")) + "".join(out.get("text", "")))
    return "\n".join(parts)
