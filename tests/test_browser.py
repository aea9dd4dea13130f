"""Headless Chromium on the built site: both languages, the switcher, figures, badges, Japanese search."""

import functools
import http.server
import shutil
import threading
from functools import partial

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from kanguri import registry
from tests.site_build import REPO, mkdocs_build

pytestmark = pytest.mark.browser
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
CLAIM = "parameter-shift-cost"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    site = tmp_path_factory.mktemp("browser-site")
    proc = mkdocs_build(REPO, site)
    assert proc.returncode == 0, proc.stderr[-3000:]

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
    images = driver.find_elements(By.CSS_SELECTOR, "figure.kg-figure img")
    assert len(images) >= 3
    for img in images:
        driver.execute_script("arguments[0].scrollIntoView()", img)
        WebDriverWait(driver, 10).until(partial(_loaded, img=img))
        assert f".{lang}.svg" in img.get_attribute("src")
    assert _severe(driver) == []


@pytest.mark.parametrize(("start", "target", "lang"), [("", "en/", "en"), ("en/", "", "ja")])
def test_language_switcher_keeps_the_page(driver, base_url, start, target, lang):
    _open(driver, f"{base_url}{start}claims/{CLAIM}/")
    link = driver.find_element(By.CSS_SELECTOR, f'a.md-select__link[hreflang="{lang}"]')
    driver.execute_script("arguments[0].click()", link)  # the menu opens on hover; click the link itself
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    )
    assert driver.current_url == f"{base_url}{target}claims/{CLAIM}/"


@pytest.mark.parametrize(("prefix", "tally"), [("", "18 の主張の判定"), ("en/", "Verdicts on 18 claims")])
def test_home_tells_the_argument_with_a_scorecard(driver, base_url, prefix, tally):
    """A tile per claim at the top, the tally, and each claim inline in the argument with its number."""
    _open(driver, f"{base_url}{prefix}")
    tiles = driver.find_elements(By.CSS_SELECTOR, ".kg-scorecard .kg-tile a")
    assert len(tiles) == len(registry.catalogue()[1])
    assert all(t.is_displayed() for t in tiles)
    assert tally in driver.find_element(By.CSS_SELECTOR, ".md-content").text
    inline = driver.find_elements(By.CSS_SELECTOR, ".md-content li .kg-badge")
    assert len(inline) >= len(registry.implemented())
    numbers = driver.find_elements(By.CSS_SELECTOR, ".md-content li .kg-value")
    assert len(numbers) >= len(registry.implemented()) - 2  # the two opinions have no headline number
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


def _loaded(driver: webdriver.Chrome, img: object) -> bool:
    return bool(driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img))
