# Kanguri: `make site` sets everything up and builds the site, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup site serve test browser lint bench verify freeze site-properdocs clean

# torch first, pinned: the CPU build (2.13.0). An unpinned torch would pull a multi-GB CUDA build.
# uv installs the same pinned versions as pip, 7 to 10 times faster (benchmarks/install_times.py, make setup
# on 2 cores: 11 s against 102 s with warm caches, 16 s against 118 s cold). uv reads none of pip's settings, so
# pip's find-links (where a machine may keep torch's CPU wheel) are handed to it, read once the venv's pip
# exists (a shell substitution, not a make one). `make setup INSTALLER=pip` installs with pip alone.
# --compile-bytecode: uv writes no .pyc by default, and where PYTHONDONTWRITEBYTECODE is set (CI sandboxes) every
# process of `make test` would otherwise recompile torch's sources, about 3 s each.
INSTALLER ?= uv
UV_VERSION := 0.13.9
FIND_LINKS = $$($(BIN)/pip config list 2>/dev/null | sed -n "s/^[^.]*\.find-links='\([^']*\)'.*/\1/p" | head -1 | sed "s/ / --find-links /g; s/^./--find-links &/")
INSTALL = $(if $(filter uv,$(INSTALLER)),$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python $(FIND_LINKS),$(BIN)/pip install --quiet)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(if $(filter uv,$(INSTALLER)),$(BIN)/pip install --quiet uv==$(UV_VERSION))
	$(INSTALL) torch==2.13.0
	$(INSTALL) -e '.[dev,dask,submitit]'
	$(BIN)/python -m experiments.common.corpus  # data-limited-scaling's corpus, fetched now, never at run time
	touch $@

setup: $(VENV)/.installed

site: setup
	$(BIN)/mkdocs build --strict

serve: setup
	$(BIN)/mkdocs serve

# pytest-xdist: one worker per core (at most 4). The tests of one xdist_group share a worker: a claim's three
# evidence tests (its quick run), a module whose fixture builds a site, the browser tests. Work is handed out in
# the order conftest.py gives (--no-loadscope-reorder): the browser tests, which mostly wait on Chromium, first,
# and beside them the claims' quick runs. The real site is built once for all workers
# (tests/conftest.py::real_site). tests/test_parallel.py checks that the groups hold. A third worker on two
# cores was slower (the quick runs' own process pools then oversubscribe the cores: benchmarks/make_test.py).
test: setup browser
	$(BIN)/pytest -n auto --maxprocesses 4 --dist loadgroup --no-loadscope-reorder

# The browser tests drive Debian's Chromium (a test tool's own download fails here). Install it when we can
# (as root, with apt); otherwise stop before anything runs, with one line saying what to install.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium and chromium-driver with apt-get (the browser tests need them)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; \
	  else \
	    echo "make test needs a headless browser: sudo apt-get install chromium chromium-driver fonts-noto-cjk" >&2; exit 1; \
	  fi; \
	fi

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/build_times.py

# Before publishing: re-run every claim and compare with the frozen records (non-zero exit if a verdict changed).
verify: setup
	$(BIN)/kanguri verify --profile site --diff

freeze: setup
	$(BIN)/kanguri freeze --profile site

# The same site built by ProperDocs, the maintained fork of MkDocs 1.x (the hedge against the pinned MkDocs
# 1.6.1 and Material going unmaintained); it reuses the records of the last build.
site-properdocs: setup
	$(BIN)/properdocs build --strict -f mkdocs.yml -d site-properdocs

clean:
	rm -rf site site-properdocs .kanguri-cache
