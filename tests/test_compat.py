"""Each touch point in kanguri/compat.py, against the installed static-i18n, mkdocs-jupyter and Material, without
a browser."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import tomllib
from importlib.metadata import distribution
from pathlib import Path

import jinja2
import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from kanguri import compat
from kanguri.site import KanguriPlugin
from tests import toy
from tests.site_build import REPO, mkdocs_build

pytestmark = pytest.mark.xdist_group("compat")  # one worker: the module's fixture is built once

DATA = Path(__file__).parent / "data"


def _material_dir() -> Path:
    import material

    return Path(material.__file__).parent / "templates"


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    """The site's real configuration, every plugin loaded (no build)."""
    return load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path_factory.mktemp("site")))


# --- versions --------------------------------------------------------------------------------------------
def test_the_installed_versions_are_those_the_patches_were_written_for():
    compat.check_versions()
    pins = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for package, version in compat.WRITTEN_FOR.items():
        assert f"{package}=={version}" in pins, f"pyproject.toml pins another {package}"


def test_another_version_stops_the_build_naming_package_and_version(tmp_path):
    """A distribution of mkdocs-jupyter 0.27.0 first on the path: the build stops in on_config, before any
    claim runs, and says which package is at which version and which one the patches expect."""
    fake = tmp_path / "shadow" / "mkdocs_jupyter-0.27.0.dist-info"
    fake.mkdir(parents=True)
    (fake / "METADATA").write_text("Metadata-Version: 2.1\nName: mkdocs-jupyter\nVersion: 0.27.0\n")
    (fake / "entry_points.txt").write_text(distribution("mkdocs-jupyter").read_text("entry_points.txt") or "")
    root = toy.make_project(tmp_path / "project")
    toy.add_site(root)
    env = {"KANGURI_ROOT": str(root), "KANGURI_CACHE": str(tmp_path / "cache")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(fake.parent), os.environ.get("PYTHONPATH")]))
    proc = mkdocs_build(root, tmp_path / "site", env=env)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "mkdocs-jupyter 0.27.0 is installed" in out and "mkdocs-jupyter==0.26.3" in out, out[-2000:]
    assert not (tmp_path / "cache").exists(), "no claim ran"


def test_check_versions_names_every_package_that_differs():
    with pytest.raises(PluginError, match=r"mkdocs-material \(not installed\).*mkdocs-material==9\.8\.1"):
        compat.check_versions(lambda pkg: None if pkg == "mkdocs-material" else compat.WRITTEN_FOR[pkg])


# --- plugin order ----------------------------------------------------------------------------------------
def test_our_late_hooks_run_after_static_i18n(config):
    """static-i18n drops the notebook pages in its on_files and builds the other languages in its
    on_post_build, both at -100: ours re-wrap the pages and split the index after it."""
    i18n = type(config.plugins["i18n"])
    for hook in ("on_files", "on_post_build"):
        assert getattr(i18n, hook).mkdocs_priority == compat.I18N_PRIORITY
        assert getattr(KanguriPlugin, hook).mkdocs_priority == compat.AFTER_I18N < compat.I18N_PRIORITY
    events = config.plugins.events["post_build"]
    assert events.index(config.plugins["kanguri"].on_post_build) > events.index(
        config.plugins["i18n"].on_post_build
    )


# --- static-i18n -----------------------------------------------------------------------------------------
def test_the_nested_language_build_is_seen(config):
    i18n = config.plugins["i18n"]
    assert hasattr(i18n, "building"), "static-i18n no longer has its `building` attribute"
    i18n.building = False
    assert not compat.i18n_building(config)
    i18n.building = True
    try:
        assert compat.i18n_building(config)
    finally:
        i18n.building = False


# --- mkdocs-jupyter ----------------------------------------------------------------------------------------
def test_a_notebook_page_keeps_the_destination_static_i18n_chose(config, tmp_path):
    from mkdocs_jupyter.plugin import NotebookFile
    from mkdocs_static_i18n.suffix import create_i18n_file

    docs = tmp_path / "docs"
    (docs / "notebooks").mkdir(parents=True)
    (docs / "notebooks" / "x.en.ipynb").write_text("{}")
    config.docs_dir = str(docs)
    plain = File("notebooks/x.en.ipynb", str(docs), config.site_dir, config.use_directory_urls)
    # mkdocs-jupyter's on_files makes it a page, then static-i18n's turns it back into a plain file
    (jupyter,) = config.plugins["mkdocs-jupyter"].on_files(Files([plain]), config)
    assert isinstance(jupyter, NotebookFile)
    english = create_i18n_file(jupyter, "en", "ja", ["ja", "en"], config)
    assert english.dest_uri == "en/notebooks/x/index.html" and compat.is_notebook_source(english)
    page = compat.notebook_page(english, config)
    assert (
        isinstance(page, NotebookFile)
        and page.is_documentation_page()
        and not compat.is_notebook_source(page)
    )
    assert (page.dest_uri, page.url) == ("en/notebooks/x/index.html", "en/notebooks/x/")
    assert page.abs_dest_path == english.abs_dest_path
    # what the override is for: mkdocs-jupyter's own destination ignores the language
    assert NotebookFile(english, **config).url != english.url


# --- Material: the page template and its search -------------------------------------------------------------
def test_an_english_page_reads_the_english_search_index():
    template = (_material_dir() / "base.html").read_text(encoding="utf-8")
    assert re.search(r'<script id="__config"[^>]*>\s*{{- {\s*"base": base_url,', template), (
        "Material moved its base"
    )
    env = jinja2.Environment()
    page = env.from_string('<script id="__config">{{ {"base": base, "search": "x.js"} | tojson }}</script>')
    for dest, base, expected in (
        ("en/claims/x/index.html", "../../..", "../.."),
        ("en/index.html", "..", "."),
        ("claims/x/index.html", "../..", "../.."),
    ):
        html = compat.search_base(page.render(base=base), dest)
        found = json.loads(html.removeprefix('<script id="__config">').removesuffix("</script>"))
        assert found == {"base": expected, "search": "x.js"}, dest


def test_the_template_override_replaces_blocks_material_still_has():
    base = (_material_dir() / "base.html").read_text(encoding="utf-8")
    ours = (REPO / "overrides" / "main.html").read_text(encoding="utf-8")
    assert set(re.findall(r"{%-? block (\w+)", ours)) == set(compat.OVERRIDDEN_BLOCKS)
    for block in compat.OVERRIDDEN_BLOCKS:
        assert re.search(rf"{{%-? block {block} -?%}}", base), f"Material's base.html has no block {block}"


def test_the_search_partial_is_materials_own_plus_a_dialog_name():
    """overrides/partials/search.html copies Material's partial to name the search dialog (axe-core's
    aria-dialog-name); apart from its comment and that attribute it is still the installed Material's."""
    theirs = (_material_dir() / "partials" / "search.html").read_text(encoding="utf-8")
    ours = (REPO / "overrides" / "partials" / "search.html").read_text(encoding="utf-8")
    named = " aria-label=\"{{ lang.t('search') }}\""
    assert re.search(r'<div class="md-search"[^>]*role="dialog"' + re.escape(named) + ">", ours)

    def strip(html: str) -> str:
        return re.sub(r"^{#-.*?-#}\n", "", html, flags=re.S).replace(named, "")

    assert strip(ours) == strip(theirs)


def test_permalink_title_speaks_the_pages_language():
    import markdown

    html = markdown.markdown("## Heading", extensions=["toc"], extension_configs={"toc": {"permalink": True}})
    assert 'title="Permanent link"' in html
    assert 'title="この節へのリンク"' in compat.permalink_title(html, "この節へのリンク")


def test_the_search_index_is_split_by_language(tmp_path):
    docs = [
        {"location": "", "title": "ホーム", "text": "判定"},
        {"location": "claims/x/", "title": "主張", "text": "量子"},
        {"location": "en/", "title": "Home", "text": "verdict"},
        {"location": "en/claims/x/#result", "title": "Result", "text": "quantum"},
    ]
    index = {"config": {"lang": ["ja", "en"], "separator": "[\\s]+"}, "docs": docs}
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(index), encoding="utf-8")
    written = compat.split_search_index(tmp_path)
    ja, en = (json.loads(p.read_text(encoding="utf-8")) for p in written)
    assert written[1] == tmp_path / "en" / "search" / "search_index.json"
    assert [d["location"] for d in ja["docs"]] == ["", "claims/x/"] and ja["config"]["lang"] == ["ja"]
    assert [d["location"] for d in en["docs"]] == ["", "claims/x/#result"] and en["config"]["lang"] == ["en"]
    assert ja["config"]["separator"] == en["config"]["separator"] == "[\\s]+"


# Material's search worker under node: SETUP with an index, then QUERY; prints how many results came back.
NODE_WORKER = """
const fs = require("fs"), vm = require("vm"), path = require("path"), zlib = require("zlib");
const [worker, indexFile, query] = process.argv.slice(2);
const index = JSON.parse(zlib.gunzipSync(fs.readFileSync(indexFile)).toString("utf8"));
const here = path.dirname(worker);
let handler = null;
globalThis.self = globalThis;
globalThis.addEventListener = (type, f) => { if (type === "message") handler = f; };
globalThis.importScripts = (...urls) => {
  for (const u of urls) vm.runInThisContext(fs.readFileSync(path.resolve(here, u), "utf8"));
};
globalThis.postMessage = (m) => {
  if (m.type === 1) handler({ data: { type: 2, data: query } });
  else if (m.type === 3) console.log(JSON.stringify({ items: m.data.items.length }));
};
console.warn = () => {};
vm.runInThisContext(fs.readFileSync(worker, "utf8"), { filename: worker });
handler({ data: { type: 0, data: Object.assign(index, { options: { suggest: false } }) } });
"""


@pytest.fixture
def material_assets(tmp_path):
    """A site folder holding Material's own search worker and lunr languages, as a build copies them."""
    js = tmp_path / "site" / "assets" / "javascripts"
    for part in ("workers", "lunr"):
        shutil.copytree(_material_dir() / "assets" / "javascripts" / part, js / part)
    return tmp_path / "site"


def test_the_search_worker_is_mended_once(material_assets):
    (worker,) = compat.mend_search_worker(material_assets)
    assert worker.match(compat.SEARCH_WORKER)
    text = worker.read_text(encoding="utf-8")
    assert 'version="2.3.9"' in text and "TokenSet.prototype.toString" in text  # what the fix replaces
    compat.mend_search_worker(material_assets)
    assert worker.read_text(encoding="utf-8") == text and text.count(compat.LUNR_TOKENSET_FIX) == 1


@pytest.mark.skipif(not shutil.which("node"), reason="node runs Material's search worker here; not installed")
def test_the_mended_worker_finds_what_lunr_alone_misses(material_assets, tmp_path):
    """The index of a CI build on which Material's worker finds nothing for "20" (lunr's TokenSet names collide
    on digits); the mended worker finds the pages. The same as the browser test, in node."""
    script = tmp_path / "worker.js"
    script.write_text(NODE_WORKER, encoding="utf-8")
    index = DATA / "search-index-lunr-collision.json.gz"
    assert json.loads(gzip.decompress(index.read_bytes()))["config"]["lang"] == ["ja"]
    (worker,) = sorted(material_assets.glob(compat.SEARCH_WORKER))

    def found() -> int:
        proc = subprocess.run(
            ["node", str(script), str(worker), str(index), "20"], capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)["items"]

    assert found() == 0, "the fixture no longer shows lunr's bug"
    compat.mend_search_worker(material_assets)
    assert found() > 0


# --- issue 25: Japanese queries, notebook pages in search, the switcher and the 404 --------------------------
# Material's worker under node with every message listener kept, in the order registered (the query segmenter
# is registered before the bundle's own); prints the locations found, best first.
NODE_WORKER_ALL_LISTENERS = """
const fs = require("fs"), vm = require("vm"), path = require("path");
const [worker, indexFile, query] = process.argv.slice(2);
const index = JSON.parse(fs.readFileSync(indexFile, "utf8"));
const here = path.dirname(worker);
const listeners = [];
const send = (data) => { const ev = { data }; for (const f of listeners) f(ev); };
globalThis.self = globalThis;
globalThis.addEventListener = (type, f) => { if (type === "message") listeners.push(f); };
globalThis.importScripts = (...urls) => {
  for (const u of urls) vm.runInThisContext(fs.readFileSync(path.resolve(here, u), "utf8"));
};
globalThis.postMessage = (m) => {
  if (m.type === 1) send({ type: 2, data: query });
  else if (m.type === 3) console.log(JSON.stringify(m.data.items.map((g) => g[0].location)));
};
console.warn = () => {};
vm.runInThisContext(fs.readFileSync(worker, "utf8"), { filename: worker });
send({ type: 0, data: Object.assign(index, { options: { suggest: false } }) });
"""


@pytest.mark.skipif(not shutil.which("node"), reason="node runs Material's search worker here; not installed")
def test_the_worker_segments_a_japanese_query_as_the_index(material_assets, tmp_path, config):
    """A Japanese query typed whole (as an input method commits it) finds its page only once the worker cuts it
    with the index's segmenter; an English index's queries are left as they are."""
    search = config.plugins["material/search"].config
    conf = {"lang": ["ja"], "separator": search.separator, "pipeline": search.pipeline}
    conf["fields"] = {"title": {"boost": 1000.0}, "text": {"boost": 1.0}, "tags": {"boost": 1e6}}
    docs = [
        {"location": "a/", "title": "不毛な台地", "text": "<p>勾配が消える不毛な台地。</p>"},
        {"location": "b/", "title": "データの枯渇と進歩の速さ", "text": "<p>データの枯渇。</p>"},
        {"location": "c/", "title": "スパイクの帯域", "text": "<p>スパイクで通信する。</p>"},
        {"location": "d/", "title": "Plain English", "text": "<p>barren plateaus</p>"},
    ]
    index = tmp_path / "index.json"
    index.write_text(json.dumps({"config": conf, "docs": docs}, ensure_ascii=False), encoding="utf-8")
    script = tmp_path / "worker.js"
    script.write_text(NODE_WORKER_ALL_LISTENERS, encoding="utf-8")
    (worker,) = sorted(material_assets.glob(compat.SEARCH_WORKER))

    def found(query: str, path: Path = index) -> list[str]:
        proc = subprocess.run(
            ["node", str(script), str(worker), str(path), query], capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    queries = {"不毛な台地": "a/", "データの枯渇": "b/", "+データの枯渇": "b/", '"不毛な台地"': "a/"}
    assert all(found(q) == [] for q in ("不毛な台地", "データの枯渇")), "Material alone now segments queries"
    compat.mend_search_worker(material_assets)
    assert worker.read_text(encoding="utf-8").startswith(compat.JAPANESE_QUERY_SEGMENTER)
    for query, page in queries.items():
        assert found(query)[:1] == [page], query
    assert found("スパイク") == ["c/"], "one katakana word, not four letters matching everything"
    english = tmp_path / "en.json"
    english.write_text(json.dumps({"config": conf | {"lang": ["en"]}, "docs": docs}), encoding="utf-8")
    assert found("barren plat", english) == ["d/"]


def test_search_results_show_notebooks_as_notebooks_below_their_claims():
    docs = [
        {"location": "claims/x/", "title": "不毛な台地", "text": "<p>主張</p>"},
        {
            "location": "notebooks/x/",
            "title": "不毛な台地",
            "text": "In\xa0[1]: Copied! <pre>run(1)\n</pre> run(1) <p>支持</p>",
        },
        {"location": "notebooks/x/#_1", "title": "不毛な台地¶", "text": "<p>このノートブックは</p>"},
        {"location": "notebooks/x/#1", "title": "1. 主張を実行する¶", "text": "<p>記録</p>"},
    ]
    tidy = compat.tidy_search_docs(docs, "ja")
    assert [d["location"] for d in tidy] == ["claims/x/", "notebooks/x/", "notebooks/x/#1"]
    claim, notebook, section = tidy
    assert notebook["title"] == "ノートブック：不毛な台地" and section["title"] == "1. 主張を実行する"
    spaced = compat.tidy_search_docs([{"location": "a/", "title": "t", "text": "a ·  b /  c"}], "en")
    assert spaced[0]["text"] == "a · b / c"
    assert notebook["text"] == "<p>このノートブックは</p> <pre>run(1)\n</pre> <p>支持</p>"
    assert "boost" not in claim and notebook["boost"] == section["boost"] < 1
    english = compat.tidy_search_docs([d | {"title": "Barren"} for d in docs[:2]], "en")
    assert english[1]["title"] == "Notebook: Barren"


def test_a_notebook_switches_to_the_same_notebook_in_the_other_language(config):
    config.plugins["i18n"].on_config(config)
    for url in ("notebooks/x/", "en/notebooks/x/"):
        alternates = compat.notebook_alternates(url, config)
        assert {lang: a.url for lang, a in alternates.items()} == {
            "ja": "notebooks/x/",
            "en": "en/notebooks/x/",
        }


def test_a_notebook_title_gets_the_id_its_skip_link_points_to():
    from mkdocs.structure.toc import get_toc

    toc = get_toc([{"level": 1, "id": "_1", "name": "不毛な台地", "children": []}])
    html = '<h1 id="">不毛な台地<a class="anchor-link" href="#">¶</a></h1><h2 id="">x<a class="anchor-link" href="#">¶</a></h2>'
    assert compat.notebook_heading_id(html, toc).startswith(
        '<h1 id="_1">不毛な台地<a class="anchor-link" href="#_1">'
    )
    assert compat.notebook_heading_id(html, get_toc([])).startswith('<h1 id="_1">')
    kept = '<h1 id="barren-plateaus">Barren plateaus<a class="anchor-link" href="#barren-plateaus">¶</a></h1>'
    assert compat.notebook_heading_id(kept, toc) == kept


def test_each_language_gets_its_own_404_and_the_switcher_its_home_pages(config, tmp_path):
    config.plugins["i18n"].on_config(config)
    config.extra.alternate = [{"name": "日本語", "link": "notebooks/x/", "lang": "ja"}]  # a page's, left over
    compat.language_roots(config)
    assert (
        [a["link"] for a in config.extra.alternate]
        == ["/", "/en/"]
        == [a["link"] for a in config.extra["alternate"]]
    )
    written = compat.write_not_found_pages(tmp_path, {"ja": "見つかりません", "en": "Not found"})
    assert written == [tmp_path / "404.html", tmp_path / "en" / "404.html"]
    assert written[0].read_text(encoding="utf-8") == "見つかりません"


def test_search_snippets_keep_table_cells_apart():
    from material.plugins.search.plugin import Parser

    compat.separate_table_cells()
    compat.separate_table_cells()  # once only
    parser = Parser()
    parser.feed(
        "<h2 id='t'>Table</h2><p>before</p><table><thead><tr><th>Claim</th><th>Kind</th></tr></thead>"
        "<tbody><tr><td>Barren</td><td>experiment</td></tr>\n<tr><td>20 W</td><td>sourced</td></tr></tbody>"
        "</table><p>after</p>"
    )
    parser.close()
    (section,) = [s for s in parser.data if s.id == "t"]
    text = " ".join("".join(section.text).split())  # the snippet is HTML: runs of spaces show as one
    assert "Claim · Kind / Barren · experiment / 20 W · sourced / <p>after</p>" in text, text


def test_notebook_templates_are_compiled_once_and_render_the_same(monkeypatch):
    """mkdocs-jupyter makes a new nbconvert exporter for each conversion; with the shared bytecode cache the second
    exporter compiles no template, and its page is the one the first made."""
    import nbformat
    from nbconvert import HTMLExporter

    compat.share_notebook_templates()
    compat.share_notebook_templates()  # once: a second call does not wrap the wrapper
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# 見出し"), nbformat.v4.new_code_cell("print(1)")]
    )
    first, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    compiled: list[str | None] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return original(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    exporter = HTMLExporter(template_name="lab")
    second, _ = exporter.from_notebook_node(nb)
    assert exporter.environment.bytecode_cache is compat._NOTEBOOK_TEMPLATES
    assert [n for n in compiled if n and n.endswith(".j2")] == [], compiled
    assert second == first
