"""Headless Chromium on the built site: both languages, the switcher, figures, badges, Japanese search."""

import functools
import gzip
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from selenium_axe_python import Axe

from kanguri import registry
from kanguri.compat import JAPANESE_QUERY_SEGMENTER, LUNR_TOKENSET_FIX
from kanguri.phrases import VERDICTS, verdict_label, words
from tests.site_build import REPO

DATA = Path(__file__).parent / "data"

# One xdist group with the other browser tests: they mostly wait on Chromium, so they share one worker while the
# others keep the cores busy (spread over all workers, they would leave the cores idle together). conftest.py puts
# the group first, so it is handed out first; the site it reads is built in seconds (tests/conftest.py::real_site).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
CLAIM = "parameter-shift-cost"


@pytest.fixture(scope="module")
def site(request):
    if os.environ.get("KANGURI_BROWSER_SITE"):  # a site built already (to check the browser tests alone)
        return Path(os.environ["KANGURI_BROWSER_SITE"])
    return request.getfixturevalue("real_site")  # the build the site tests read too


@pytest.fixture(scope="module")
def base_url(site):

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    if not (CHROMIUM and DRIVER):
        pytest.fail("chromium and chromedriver are needed (apt-get install chromium chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chrome')}",
    ):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield d
    d.quit()


def _open(driver, url):
    driver.get(url)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _search_box(driver, url):
    """The focused, empty search box of the page at ``url``. A page already open there is reused: its box is
    emptied and its results are seen to clear first, so no result of an earlier query can answer the next one
    (loading the page again would rebuild the search index in the browser, a second or more each time)."""
    if driver.current_url != url:
        _open(driver, url)
    box = WebDriverWait(driver, 10).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input"))
    )
    box.click()
    if box.get_attribute("value"):
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.BACKSPACE)
        WebDriverWait(driver, 10, poll_frequency=0.05).until(
            lambda d: not d.find_elements(By.CSS_SELECTOR, ".md-search-result__item")
        )
    return box


def _search(driver, url, query, *, typed: bool = True):
    """Types ``query`` into the search box of the page at ``url`` (see :func:`_search_box`), key by key, or
    pastes it whole (``typed=False``) and presses End, the key Material's search answers to: the same search,
    without one search per keystroke (a third of a second less per query)."""
    box = _search_box(driver, url)
    if typed:
        box.send_keys(query)
    else:
        driver.execute_cdp_cmd("Input.insertText", {"text": query})
        box.send_keys(Keys.END)


def _result_links(driver, child: str = "a") -> list[tuple[str, str | None]]:
    """The links of the search results as (href, the HTML of their heading or None), read in one call: asking
    for each link's attributes one by one costs a round trip to the browser each, 0.1 to 0.3 s per poll."""
    return [
        tuple(pair)
        for pair in driver.execute_script(
            "return [...document.querySelectorAll(arguments[0])].map(a => "
            "[a.href || '', a.querySelector('h1, h2') ? a.querySelector('h1, h2').innerHTML : null])",
            f".md-search-result__item {child}",
        )
    ]


def _severe(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.mark.parametrize(
    ("prefix", "lang", "heading"), [("", "ja", "パラメータシフト法"), ("en/", "en", "parameter")]
)
def test_claim_page_renders(driver, base_url, prefix, lang, heading):
    _open(driver, f"{base_url}{prefix}claims/{CLAIM}/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    assert heading.lower() in driver.find_element(By.TAG_NAME, "h1").text.lower()
    badge = driver.find_element(By.CSS_SELECTOR, ".admonition .kg-badge")
    assert badge.is_displayed() and badge.text.strip()
    figures = driver.find_elements(By.CSS_SELECTOR, "figure.kg-figure")
    assert len(figures) >= 3
    for fig in figures:
        driver.execute_script("arguments[0].scrollIntoView()", fig)
        svg = fig.find_element(By.TAG_NAME, "svg")
        assert svg.is_displayed() and svg.size["width"] > 200
        title = driver.execute_script("return arguments[0].querySelector('title').textContent", svg)
        assert (title and title.strip() in fig.text) or title.strip()
        assert svg.get_attribute("role") == "img"
        assert f".{lang}.svg" in fig.find_element(By.CSS_SELECTOR, "a.kg-download").get_attribute("href")
    assert _severe(driver) == []


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_figures_follow_the_palette_and_fit_a_phone(driver, base_url, scheme):
    """In both palettes a figure's text takes the page's text colour on a transparent background; on a 390 px
    screen the figure fills the width and its smallest text is still about 9 px or more."""
    try:
        driver.set_window_size(390, 844)
        _open(driver, f"{base_url}en/claims/{CLAIM}/")
        driver.execute_script(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        fig = driver.find_element(By.CSS_SELECTOR, "figure.kg-figure svg")
        driver.execute_script("arguments[0].scrollIntoView()", fig)
        page_color = driver.execute_script(
            "return getComputedStyle(document.querySelector('.md-content')).color"
        )
        text = fig.find_element(By.CSS_SELECTOR, "text")
        assert driver.execute_script("return getComputedStyle(arguments[0]).fill", text) == page_color
        assert fig.size["width"] >= 300
        smallest = driver.execute_script(
            "return Math.min(...[...arguments[0].querySelectorAll('text')]"
            ".map(t => t.getBoundingClientRect().height).filter(h => h > 0))",
            fig,
        )
        assert smallest >= 8.5, f"smallest text {smallest:.1f} px"
    finally:
        driver.set_window_size(1280, 1000)


@pytest.mark.parametrize(("start", "target", "lang"), [("", "en/", "en"), ("en/", "", "ja")])
def test_language_switcher_keeps_the_page(driver, base_url, start, target, lang):
    _open(driver, f"{base_url}{start}claims/{CLAIM}/")
    link = driver.find_element(By.CSS_SELECTOR, f'a.md-select__link[hreflang="{lang}"]')
    driver.execute_script("arguments[0].click()", link)  # the menu opens on hover; click the link itself
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    )
    assert driver.current_url == f"{base_url}{target}claims/{CLAIM}/"


@pytest.mark.parametrize(("start", "lang"), [("", "en"), ("en/", "ja")])
def test_switching_language_keeps_the_section(driver, base_url, start, lang):
    _open(driver, f"{base_url}{start}claims/{CLAIM}/#result")
    link = driver.find_element(By.CSS_SELECTOR, f'a.md-select__link[hreflang="{lang}"]')
    driver.execute_script("arguments[0].click()", link)
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    )
    assert driver.current_url.endswith(f"claims/{CLAIM}/#result")
    assert driver.find_elements(By.ID, "result")


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_claims_index_filters_sorts_and_fits_a_phone(driver, base_url, prefix):
    _open(driver, f"{base_url}{prefix}claims/")
    rows = driver.find_elements(By.CSS_SELECTOR, ".kg-claims tbody tr")
    assert len(rows) == len(registry.catalogue()[1])
    section, verdict, _sort = driver.find_elements(By.CSS_SELECTOR, ".kg-claims-bar select")
    assert {o.get_attribute("value") for o in verdict.find_elements(By.TAG_NAME, "option")} >= {
        "",
        "supported",
    }
    driver.execute_script(
        "arguments[0].value = 'quantum'; arguments[0].dispatchEvent(new Event('change'))", section
    )
    shown = [r for r in rows if r.is_displayed()]
    assert 0 < len(shown) < len(rows) and all(r.get_attribute("data-section") == "quantum" for r in shown)
    driver.execute_script("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('change'))", section)
    head = driver.find_elements(By.CSS_SELECTOR, ".kg-claims thead th")[0]
    head.find_element(By.TAG_NAME, "button").click()
    assert head.get_attribute("aria-sort") == "ascending"
    names = [
        r.find_elements(By.TAG_NAME, "td")[0].text
        for r in driver.find_elements(By.CSS_SELECTOR, ".kg-claims tbody tr")
    ]
    assert names == sorted(names, key=str.casefold) or names == sorted(names)
    try:
        driver.set_window_size(390, 844)
        table = driver.find_element(By.CSS_SELECTOR, ".kg-claims table")
        width = driver.execute_script("return document.documentElement.clientWidth")
        assert table.size["width"] <= width, "on a phone the index fits the screen"
    finally:
        driver.set_window_size(1280, 1000)
    assert _severe(driver) == []


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_home_tells_the_argument_with_a_scorecard(driver, base_url, prefix):
    """A tile per claim at the top, the tally, and each claim inline in the argument with its number."""
    tally = words("tally", "en" if prefix else "ja").format(n=len(registry.catalogue()[1]))
    _open(driver, f"{base_url}{prefix}")
    tiles = driver.find_elements(By.CSS_SELECTOR, ".kg-scorecard .kg-tile a")
    assert len(tiles) == len(registry.catalogue()[1])
    assert all(t.is_displayed() for t in tiles)
    assert tally.rstrip(":：") in driver.find_element(By.CSS_SELECTOR, ".md-content").text
    # the argument names claims where it makes them (a new claim is in the scorecard until the essay names it)
    source = (REPO / "docs" / f"index.{'en' if prefix else 'ja'}.md").read_text(encoding="utf-8")
    named = [registry.entry(c) for c in re.findall(r"claim_line\(\"([a-z0-9-]+)\"\)", source)]
    inline = driver.find_elements(By.CSS_SELECTOR, ".md-content li .kg-badge")
    assert named and len(inline) >= len(named)
    numbers = driver.find_elements(By.CSS_SELECTOR, ".md-content li .kg-value")
    assert len(numbers) >= len([e for e in named if e.kind != "opinion"])  # opinions have no headline number
    tiles[0].click()
    WebDriverWait(driver, 10).until(lambda d: "/claims/" in d.current_url)
    assert _severe(driver) == []


def test_home_lists_claims_with_badges(driver, base_url):
    _open(driver, base_url)
    classes = [
        b.get_attribute("class") for b in driver.find_elements(By.CSS_SELECTOR, ".md-content .kg-badge")
    ]
    planned = [e for e in registry.catalogue()[1] if not e.implemented]
    assert sum("kg-planned" in c for c in classes) >= len(planned)
    for verdict in ("supported", "partly", "not-testable"):
        assert any(f"kg-{verdict}" in c for c in classes), verdict
    assert _severe(driver) == []


@pytest.mark.parametrize(
    ("prefix", "query"), [("", "パラメータシフト"), ("", "勾配"), ("en/", "parameter shift")]
)
def test_search_finds_the_claim(driver, base_url, prefix, query):
    _search(driver, f"{base_url}{prefix}", query)
    WebDriverWait(driver, 20, poll_frequency=0.05).until(
        lambda d: any(f"claims/{CLAIM}/" in href for href, _ in _result_links(d))
    )
    assert _severe(driver) == []


def _queries():
    """Each implemented claim's title in each language, and the keywords its catalogue entry gives (kanji
    compounds, katakana, plain English words); an entry without keywords is searched by its title alone."""
    for prefix, lang in (("", "ja"), ("en/", "en")):  # a language at a time: its page and index load once
        for e in registry.catalogue()[1]:
            if e.implemented:
                queries = [e.title(lang)] + ([e.keywords(lang)] if e.keywords else [])
                yield from ((e.id, prefix, lang, q) for q in queries)


@pytest.mark.parametrize(("cid", "prefix", "lang", "query"), list(_queries()))
def test_search_finds_each_claim_in_the_readers_language(driver, base_url, cid, prefix, lang, query):
    """Searching a claim's title or a word of it finds its page, and only pages in the reader's language."""
    _search(driver, f"{base_url}{prefix}claims/", query, typed=False)

    def found(d):
        hrefs = [href for href, _ in _result_links(d)]
        return hrefs if any(f"claims/{cid}/" in h for h in hrefs) else False

    hrefs = WebDriverWait(driver, 20, poll_frequency=0.05).until(found)
    other = [h for h in hrefs if ("/en/" in h) != (lang == "en")]
    assert other == [], f"pages in the other language: {other[:3]}"


def _luminance(rgb: str) -> float:
    r, g, b = (int(c) / 255 for c in re.findall(r"\d+", rgb)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_every_verdict_badge_is_readable(driver, base_url):
    """WCAG AA: text on every verdict badge has a contrast of at least 4.5:1 with its background."""
    _open(driver, f"{base_url}en/")
    seen = set()
    for badge in driver.find_elements(By.CSS_SELECTOR, ".md-content .kg-badge"):
        kind = next(
            c for c in badge.get_attribute("class").split() if c.startswith("kg-") and c != "kg-badge"
        )
        if kind in seen or kind == "kg-planned":
            continue
        seen.add(kind)
        fg = _luminance(badge.value_of_css_property("color"))
        bg = _luminance(badge.value_of_css_property("background-color"))
        ratio = (max(fg, bg) + 0.05) / (min(fg, bg) + 0.05)
        assert ratio >= 4.5, f"{kind}: contrast {ratio:.2f}"
    assert {"kg-supported", "kg-partly", "kg-not-supported", "kg-not-testable"} <= seen


@pytest.mark.parametrize(("prefix", "lang"), [("", "ja"), ("en/", "en")])
def test_each_claim_links_its_notebook_and_downloads(driver, base_url, prefix, lang):
    """The claim page links a rendered notebook in its language, and every download is served by the site."""
    label = verdict_label(registry.load(CLAIM).expected)(lang)
    verdict = re.compile(
        rf"(^|\s){re.escape(label)} \("
    )  # the notebook's verdict line, whole: 支持 is in 一部支持
    _open(driver, f"{base_url}{prefix}claims/{CLAIM}/")
    links = driver.find_elements(By.CSS_SELECTOR, "a[download]")
    hrefs = [a.get_attribute("href") for a in links]
    assert any(h.endswith(f"{CLAIM}.{lang}.ipynb") for h in hrefs) and any(h.endswith(".py") for h in hrefs)
    assert any(h.endswith("record.json") for h in hrefs)
    for href in hrefs:
        status = driver.execute_script("return fetch(arguments[0]).then(r => r.status)", href)
        assert status == 200, href
    notebook = driver.find_element(
        By.CSS_SELECTOR, f'.md-content a[href*="notebooks/{CLAIM}"]:not([download])'
    )
    driver.execute_script("arguments[0].click()", notebook)
    WebDriverWait(driver, 10).until(lambda d: f"notebooks/{CLAIM}/" in d.current_url)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    body = driver.find_element(By.CSS_SELECTOR, ".md-content").text
    assert "from kanguri.notebook import run, show" in body
    assert verdict.search(body) and "quick+seed=" in body, "the outputs of running it are on the page"
    assert _severe(driver) == []


# Material's search worker, driven directly: SETUP (0) with an index, then QUERY (2); it answers READY, RESULT.
SEARCH_IN_WORKER = """
const [url, index, query, done] = arguments;
const worker = new Worker(url);
const errors = [];
worker.onerror = e => errors.push(String(e.message));
worker.onmessage = ev => {
  if (ev.data.type === 1) worker.postMessage({type: 2, data: query});
  else { worker.terminate(); done({items: ev.data.data.items.length, errors}); }
};
worker.postMessage({type: 0, data: Object.assign(JSON.parse(index), {options: {suggest: false}})});
"""


def test_search_survives_lunrs_token_set_collision(driver, base_url, site):
    """A Japanese index from a CI build on which Material's own worker finds nothing for "20" (lunr's TokenSet
    names collide on digits, the query fails inside the worker); the mended worker finds the pages."""
    index = gzip.decompress((DATA / "search-index-lunr-collision.json.gz").read_bytes()).decode("utf-8")
    (mended,) = (site / "assets" / "javascripts" / "workers").glob("search.*.min.js")
    assert mended.read_text(encoding="utf-8").endswith(LUNR_TOKENSET_FIX)
    original = mended.with_name("unmended.min.js")  # beside it, so the worker loads the same lunr languages
    original.write_text(mended.read_text(encoding="utf-8").removesuffix(LUNR_TOKENSET_FIX), encoding="utf-8")
    _open(driver, base_url)
    driver.set_script_timeout(60)
    found = {}
    for name in (original.name, mended.name):
        url = f"{base_url}assets/javascripts/workers/{name}"
        found[name] = driver.execute_async_script(SEARCH_IN_WORKER, url, index, "20")
    assert found[original.name]["items"] == 0, "the fixture no longer shows lunr's bug"
    assert found[mended.name]["items"] > 0, found
    assert json.loads(index)["config"]["lang"] == ["ja"]


# --- issue 25: Japanese typed through an input method, notebooks in search, the switcher, the 404 ------------
# Japanese queries as an input method commits them (whole, in one go), and the claim each must find first
IME_QUERIES = {
    "不毛な台地": "barren-plateaus",
    "データの枯渇": "data-exhaustion-and-pace",
    "スパイク": "spiking-bandwidth",
    "パラメータシフト法のコスト": "parameter-shift-cost",
    "メモリ律速": "inference-is-memory-bound",
    "脳の構造と感情": "brain-structure-and-emotion",
    "過学習": "quantum-expressivity-overfitting",
    "量子回路の線形性": "quantum-linearity",
}


def _results(driver) -> list[tuple[str, str]]:
    """The search results as (href, title's HTML), once three polls in a row agree (results stream in)."""
    seen: list[list] = []

    def settled(d):
        seen.append([(href, title or "") for href, title in _result_links(d, "> a")])
        done = bool(seen[-1]) and len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]
        return seen[-1] if done else False

    return WebDriverWait(driver, 20, poll_frequency=0.1).until(settled)


@pytest.mark.parametrize(("query", "cid"), list(IME_QUERIES.items()))
def test_japanese_search_through_an_input_method(driver, base_url, query, cid):
    """Chrome's input method commits text with the last ``input`` event still composing; the query is cut into
    words inside the search worker, so it finds the claim first, and the search box keeps what was typed."""
    _open(driver, base_url)
    box = WebDriverWait(driver, 10).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input"))
    )
    box.click()
    driver.execute_cdp_cmd(
        "Input.imeSetComposition", {"text": query, "selectionStart": len(query), "selectionEnd": len(query)}
    )
    driver.execute_cdp_cmd("Input.insertText", {"text": query})
    results = _results(driver)
    assert f"claims/{cid}/" in results[0][0], results[:3]
    assert box.get_attribute("value") == query
    for _, title in results:  # highlighting never cuts through its own markup (「ark>不毛<mark>な…」)
        assert "ark>" not in title.replace("<mark>", "").replace("</mark>", ""), title
    assert _severe(driver) == []


def test_material_alone_finds_nothing_for_a_whole_japanese_query(driver, base_url, site):
    """The control for the test above: Material's worker without the segmenter answers 不毛な台地 with nothing."""
    (mended,) = (site / "assets" / "javascripts" / "workers").glob("search.*.min.js")
    original = mended.with_name("unsegmented.min.js")
    original.write_text(
        mended.read_text(encoding="utf-8").removeprefix(JAPANESE_QUERY_SEGMENTER), encoding="utf-8"
    )
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    _open(driver, base_url)
    driver.set_script_timeout(60)
    found = {
        name: driver.execute_async_script(
            SEARCH_IN_WORKER, f"{base_url}assets/javascripts/workers/{name}", index, "不毛な台地"
        )
        for name in (original.name, mended.name)
    }
    assert found[original.name]["items"] == 0 and found[mended.name]["items"] > 0, found


ENGLISH_QUERIES = [
    "barren plateaus",
    "parameter shift",
    "inference memory bound",
    "training stay on GPUs",
    "brain 20 watts",
    "quantum linearity",
    "measurement collapse",
    "process supervision",
    "data exhaustion",
    "neuromorphic hardware",
    "spike bandwidth",
    "efficiency over scale",
]


@pytest.mark.parametrize("query", ENGLISH_QUERIES)
def test_search_ranks_a_claim_above_its_notebook(driver, base_url, query):
    """Where a claim page and its notebook both match, the claim page comes first, and the notebook's result is
    titled as a notebook, not with the claim's title again."""
    _search(driver, f"{base_url}en/", query, typed=False)
    results = _results(driver)
    pages = [re.search(r"/en/(claims|notebooks)/([a-z0-9-]+)/", href) for href, _ in results]
    order = [(m[1], m[2]) for m in pages if m]
    for kind, cid in order:
        if kind == "notebooks" and ("claims", cid) in order:
            assert order.index(("claims", cid)) < order.index(("notebooks", cid)), order
    notebook_titles = [t for (href, t) in results if "/notebooks/" in href and "#" not in href]  # pages
    assert all(re.sub("<[^>]+>", "", t).startswith("Notebook: ") for t in notebook_titles), notebook_titles
    assert any(kind == "claims" for kind, _ in order), results[:3]


@pytest.mark.parametrize(("start", "target", "lang"), [("", "en/", "en"), ("en/", "", "ja")])
def test_a_notebook_switches_to_the_same_notebook(driver, base_url, start, target, lang):
    _open(driver, f"{base_url}{start}notebooks/{CLAIM}/")
    link = driver.find_element(By.CSS_SELECTOR, f'a.md-select__link[hreflang="{lang}"]')
    driver.execute_script("arguments[0].click()", link)
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    )
    assert driver.current_url == f"{base_url}{target}notebooks/{CLAIM}/"


@pytest.mark.parametrize(("path", "lang", "home"), [("404.html", "ja", "/"), ("en/404.html", "en", "/en/")])
def test_the_404_page_speaks_its_language(driver, base_url, path, lang, home):
    """Japanese at the root, English under /en/: each with its language, its own menu and words, and a switcher
    that leads to each language's home page."""
    _open(driver, base_url + path)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    assert driver.find_element(By.TAG_NAME, "h1").text == words("not_found.title", lang)
    links = {
        a.get_attribute("hreflang"): a.get_attribute("href")
        for a in driver.find_elements(By.CSS_SELECTOR, "a.md-select__link")
    }
    assert links == {"ja": base_url, "en": f"{base_url}en/"}
    content = driver.find_element(By.CSS_SELECTOR, ".md-content")
    assert content.find_elements(By.CSS_SELECTOR, f'a[href="{home}"]')
    nav = [
        a.get_attribute("href")
        for a in driver.find_elements(By.CSS_SELECTOR, ".md-nav--primary a.md-nav__link")
    ]
    assert nav and all(("/en/" in h) == (lang == "en") for h in nav if h.startswith(base_url)), nav


def test_every_skip_link_and_toc_link_has_a_target(site):
    """Material's skip link (and the table of contents) on each page points at a heading that exists: on
    Japanese notebook pages it pointed at #_1, which no heading had."""
    pages = sorted(site.glob("**/notebooks/*/index.html"))
    assert len(pages) >= 2 * len([e for e in registry.catalogue()[1] if e.implemented])
    for page in pages:
        html = page.read_text(encoding="utf-8")
        ids = set(re.findall(r'\bid="([^"]+)"', html))
        skip = re.search(r'<a href="#([^"]*)" class="md-skip"', html)
        assert skip and skip[1] in ids, f"{page.relative_to(site)}: skip link to #{skip and skip[1]}"
        for anchor in re.findall(r'<a href="#([^"]+)" class="md-nav__link"', html):
            assert anchor in ids, f"{page.relative_to(site)}: toc link to #{anchor}"


# --- issue 25: accessibility (axe-core), verdicts not by colour alone, the claims index ------------------
def _axe_pages() -> list[tuple[str, str]]:
    """The home page, the index, a claim page of each kind (experiment, sourced, opinion), a notebook and the 404
    page, in both languages."""
    one_of_each: dict[str, str] = {}
    for e in registry.catalogue()[1]:
        if e.implemented:
            one_of_each.setdefault(e.kind, e.id)
    pages = [
        "",
        "claims/",
        *(f"claims/{cid}/" for cid in one_of_each.values()),
        f"notebooks/{CLAIM}/",
        "404.html",
    ]
    return [(prefix, page) for prefix in ("", "en/") for page in pages]


def test_the_axe_pages_cover_every_kind_of_claim():
    claims = [p.split("/")[1] for _, p in _axe_pages() if p.startswith("claims/") and p != "claims/"]
    assert {registry.entry(c).kind for c in claims} == {"experiment", "sourced", "opinion"}


@pytest.mark.parametrize(("prefix", "page"), _axe_pages())
def test_axe_finds_no_serious_or_critical_violation(driver, base_url, prefix, page):
    """axe-core (bundled by selenium-axe-python) on each page as a reader gets it, scripts run: no violation
    of impact serious or critical (contrast, link styles, ARIA on the index's sort buttons, dialog names…)."""
    _open(driver, f"{base_url}{prefix}{page}")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == ("en" if prefix else "ja")
    axe = Axe(driver)
    axe.inject()
    found = axe.run()["violations"]
    bad = [v for v in found if v["impact"] in ("serious", "critical")]
    assert bad == [], axe.report(bad)


@pytest.mark.parametrize(("prefix", "lang"), [("", "ja"), ("en/", "en")])
def test_each_scorecard_tile_names_its_verdict(driver, base_url, prefix, lang):
    """A tile's colour is never the only cue: it shows its verdict in words (and an icon a reader skips)."""
    _open(driver, f"{base_url}{prefix}")
    tiles = driver.find_elements(By.CSS_SELECTOR, ".kg-scorecard .kg-tile")
    assert len(tiles) == len(registry.catalogue()[1])
    for tile in tiles:
        verdict = next(c[3:] for c in tile.get_attribute("class").split() if c not in ("kg-tile",))
        shown = tile.find_element(By.CSS_SELECTOR, ".kg-tile-verdict")
        assert shown.is_displayed() and shown.text.strip().endswith(words(f"verdict.{verdict}", lang))
        assert shown.find_element(By.CSS_SELECTOR, "[aria-hidden=true]").text.strip()


@pytest.mark.parametrize(("prefix", "lang"), [("", "ja"), ("en/", "en")])
def test_the_claim_page_names_its_verdict_once(driver, base_url, prefix, lang):
    """The verdict box has no title repeating 「判定：支持」 above the badge: the badge names it, once."""
    _open(driver, f"{base_url}{prefix}claims/{CLAIM}/")
    box = driver.find_element(By.CSS_SELECTOR, "#verdict ~ .admonition")
    assert box.find_elements(By.CSS_SELECTOR, ".admonition-title") == []
    assert len(box.find_elements(By.CSS_SELECTOR, ".kg-badge")) == 1
    assert words("verdict.supported", lang) + words("colon", lang) not in box.text


def _rows(driver) -> list:
    return driver.find_elements(By.CSS_SELECTOR, ".kg-claims tbody tr")


def _order(driver, key: str) -> list[int]:
    """Each row's place among the verdicts (supported first) or the catalogue's sections."""
    ranks = list(VERDICTS) if key == "verdict" else list(registry.catalogue()[0])
    return [ranks.index(r.get_attribute(f"data-{key}")) for r in _rows(driver)]


@pytest.mark.parametrize(("prefix", "lang"), [("", "ja"), ("en/", "en")])
def test_claims_index_sorts_by_verdict_section_and_title_and_counts_what_a_filter_leaves(
    driver, base_url, prefix, lang
):
    """Only the verdict, section and title columns sort, through real buttons in the heads (no role=button with
    aria-sort); the filters carry visible labels and say 「すべて」/"All", not 「章: *」; a live line tells how
    many rows a filter leaves; on a phone, where the heads are hidden, the bar's sort choice still sorts, and its
    selects are 16 px or more (iOS zooms into smaller fields)."""
    _open(driver, f"{base_url}{prefix}claims/")
    total = len(_rows(driver))
    heads = driver.find_elements(By.CSS_SELECTOR, ".kg-claims thead th")
    sortable = [
        h.find_element(By.TAG_NAME, "button").get_attribute("data-sort")
        for h in heads
        if h.find_elements(By.TAG_NAME, "button")
    ]
    assert sorted(sortable) == ["claim", "section", "verdict"]
    assert all(h.get_attribute("role") is None and h.get_attribute("aria-sort") is None for h in heads)
    selects = {
        s.get_attribute("data-key"): s for s in driver.find_elements(By.CSS_SELECTOR, ".kg-claims-bar select")
    }
    assert set(selects) == {"section", "verdict", "sort"}
    for key, label in (("section", "column.section"), ("verdict", "column.verdict"), ("sort", "index.sort")):
        assert selects[key].find_element(By.XPATH, "..").text.startswith(words(label, lang))
    assert selects["section"].find_elements(By.TAG_NAME, "option")[0].text == words("index.all", lang)

    count = driver.find_element(By.CSS_SELECTOR, ".kg-claims-count")
    assert count.get_attribute("role") == "status" and count.get_attribute("aria-live") == "polite"
    partly = len([r for r in _rows(driver) if r.get_attribute("data-verdict") == "partly"])
    driver.execute_script(
        "arguments[0].value = 'partly'; arguments[0].dispatchEvent(new Event('change'))", selects["verdict"]
    )
    assert count.text == words("index.shown", lang).format(shown=partly, total=total)
    driver.execute_script(
        "arguments[0].value = ''; arguments[0].dispatchEvent(new Event('change'))", selects["verdict"]
    )
    assert count.text == words("index.shown", lang).format(shown=total, total=total)

    verdict_head = next(h for h in heads if h.find_elements(By.CSS_SELECTOR, 'button[data-sort="verdict"]'))
    verdict_head.find_element(By.TAG_NAME, "button").click()
    order = _order(driver, "verdict")
    assert order == sorted(order) and verdict_head.get_attribute("aria-sort") == "ascending"
    verdict_head.find_element(By.TAG_NAME, "button").click()
    order = _order(driver, "verdict")
    assert order == sorted(order, reverse=True) and verdict_head.get_attribute("aria-sort") == "descending"
    try:
        driver.set_window_size(390, 844)
        assert not driver.find_element(By.CSS_SELECTOR, ".kg-claims thead").is_displayed()
        sort = selects["sort"]
        assert sort.is_displayed()
        driver.execute_script(
            "arguments[0].value = 'section'; arguments[0].dispatchEvent(new Event('change'))", sort
        )
        order = _order(driver, "section")
        assert order == sorted(order) and len(set(order)) > 1
        for s in selects.values():
            assert float(s.value_of_css_property("font-size").removesuffix("px")) >= 16
        width = driver.execute_script("return document.documentElement.clientWidth")
        bar = driver.find_element(By.CSS_SELECTOR, ".kg-claims-bar")
        assert bar.rect["x"] + bar.rect["width"] <= width, "the bar fits a phone"
        assert all(s.rect["x"] + s.rect["width"] <= width for s in selects.values())
    finally:
        driver.set_window_size(1280, 1000)
    assert _severe(driver) == []
