"""One record cache per test session: `pytest claims/` runs every claim afresh, the site test reuses it."""

import os
import tempfile

os.environ.setdefault("KANGURI_CACHE", tempfile.mkdtemp(prefix="kanguri-cache-"))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
