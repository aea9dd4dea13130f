"""Headless Chromium on the built site: both languages, the switcher, figures, badges, Japanese search."""

import functools
import gzip
import http.server
import json
import re
import shutil
import threading
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from kanguri import registry
from kanguri.compat import LUNR_TOKENSET_FIX
from kanguri.phrases import words
from tests.site_build import REPO, mkdocs_build

DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.browser
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
CLAIM = "parameter-shift-cost"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = tmp_path_factory.mktemp("browser-site")
    proc = mkdocs_build(REPO, site)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return site


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
    section, verdict = driver.find_elements(By.CSS_SELECTOR, ".kg-claims-bar select")
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
    head.click()
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
    _open(driver, f"{base_url}{prefix}")
    box = WebDriverWait(driver, 10).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input"))
    )
    box.click()
    box.send_keys(query)
    WebDriverWait(driver, 20).until(
        lambda d: any(
            f"claims/{CLAIM}/" in (a.get_attribute("href") or "")
            for a in d.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")
        )
    )
    assert _severe(driver) == []


def _queries():
    """Each implemented claim's title in each language, and the keywords its catalogue entry gives (kanji
    compounds, katakana, plain English words); an entry without keywords is searched by its title alone."""
    for e in registry.catalogue()[1]:
        if e.implemented:
            for prefix, lang in (("", "ja"), ("en/", "en")):
                queries = [e.title(lang)] + ([e.keywords(lang)] if e.keywords else [])
                yield from ((e.id, prefix, lang, q) for q in queries)


@pytest.mark.parametrize(("cid", "prefix", "lang", "query"), list(_queries()))
def test_search_finds_each_claim_in_the_readers_language(driver, base_url, cid, prefix, lang, query):
    """Searching a claim's title or a word of it finds its page, and only pages in the reader's language."""
    _open(driver, f"{base_url}{prefix}claims/")
    box = WebDriverWait(driver, 10).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input"))
    )
    box.click()
    box.send_keys(query)

    def found(d):
        try:  # the list is re-rendered as results stream in
            links = d.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")
            hrefs = [a.get_attribute("href") or "" for a in links]
        except StaleElementReferenceException:
            return False
        return hrefs if any(f"claims/{cid}/" in h for h in hrefs) else False

    hrefs = WebDriverWait(driver, 20).until(found)
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


@pytest.mark.parametrize(("prefix", "lang", "verdict"), [("", "ja", "支持"), ("en/", "en", "Supported")])
def test_each_claim_links_its_notebook_and_downloads(driver, base_url, prefix, lang, verdict):
    """The claim page links a rendered notebook in its language, and every download is served by the site."""
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
    assert verdict in body and "quick+seed=" in body, "the outputs of running it are on the page"
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
