"""Screenshots of the built site for a reviewer: the home page and one claim page, in both languages, on a desktop
and a phone, in the light and the dark palette.

    make site && .venv/bin/python benchmarks/screenshots.py [--site site] [--out screenshots] [--claim brain-20-watts]

The PNGs go to ``--out`` (not committed). Uses Debian's headless Chromium, like the browser tests.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import threading
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
SCHEMES = {"light": "default", "dark": "slate"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", default="site")
    ap.add_argument("--out", default="screenshots")
    ap.add_argument("--claim", default="brain-20-watts")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=args.site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"), options=opts)
    try:
        pages = {"home": "", "claim": f"claims/{args.claim}/"}
        for lang, prefix in (("ja", ""), ("en", "en/")):
            for page, path in pages.items():
                for size, (w, h) in SIZES.items():
                    for scheme, value in SCHEMES.items():
                        driver.set_window_size(w, h)
                        driver.get(base + prefix + path)
                        driver.execute_script(
                            f"document.body.setAttribute('data-md-color-scheme', '{value}')"
                        )
                        name = out / f"{page}-{lang}-{size}-{scheme}.png"
                        driver.save_screenshot(str(name))
                        print(name)
    finally:
        driver.quit()
        server.shutdown()


if __name__ == "__main__":
    main()
