"""Headless Chromium on the built site: a wide table reads as cards on a phone, and as a table on a desktop."""

import pytest

from tests.test_browser import _open, base_url, driver, site  # noqa: F401  (the module's fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # see tests/test_browser.py

CARDS = """
const width = document.documentElement.clientWidth;
return [...document.querySelectorAll('.md-content table[data-kg-cards]')].map(t => ({
  right: t.getBoundingClientRect().right, width,
  display: getComputedStyle(t).display,
  head: getComputedStyle(t.tHead).position,
  labels: [...t.querySelectorAll('td[data-label]')].filter(td => td.textContent.trim())
    .map(td => getComputedStyle(td, '::before').content),
}));
"""


@pytest.mark.parametrize(("prefix", "claim"), [("", "training-stays-on-gpus"), ("en/", "barren-plateaus")])
def test_wide_tables_are_cards_on_a_phone_and_tables_on_a_desktop(driver, base_url, prefix, claim):  # noqa: F811
    try:
        driver.set_window_size(390, 844)
        _open(driver, f"{base_url}{prefix}claims/{claim}/")
        cards = driver.execute_script(CARDS)
        assert cards, "the page has a table of four columns or more"
        for t in cards:
            assert t["display"] == "block" and t["head"] == "absolute", "a card per row, the heads hidden"
            assert t["right"] <= t["width"] + 1, "no sideways scrolling"
            assert t["labels"] and all(c not in ("none", "normal", '""') for c in t["labels"]), (
                "each cell names its column"
            )
    finally:
        driver.set_window_size(1280, 1000)
    _open(driver, f"{base_url}{prefix}claims/{claim}/")
    assert all(t["display"] != "block" and t["head"] == "static" for t in driver.execute_script(CARDS))
