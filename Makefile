# Policy Tracker: `make run` opens the app, `make test` lints, type-checks and runs every test headless.
# Both create .venv and install what a fresh Debian/Ubuntu machine lacks.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Static checks, configured in pyproject.toml ([tool.ruff], [tool.mypy]: the files mypy checks).
RUFF := $(VENV)/bin/ruff check app tests tools
MYPY := $(VENV)/bin/mypy

# What PySide6 needs offscreen (tests, reports), and what a real X window adds.
QT_LIBS := libegl1 libgl1 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 fonts-dejavu-core
X_LIBS := libx11-6 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
          libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxcb-xinerama0 libxkbcommon-x11-0
TEST_TOOLS := poppler-utils sqlite3
SHOT_TOOLS := xvfb xauth imagemagick

.PHONY: run test soak bench screenshots lint clean venv sysdeps-test sysdeps-run sysdeps-shots

run: sysdeps-run $(STAMP)
	$(VENV)/bin/policy-tracker $(ARGS)

test: sysdeps-test $(STAMP)
	$(RUFF)
	$(MYPY)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

soak: sysdeps-test $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/soak -p no:randomly $(PYTEST_ARGS)

bench: sysdeps-run $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.benchmarks.run_all

screenshots: sysdeps-shots $(STAMP)
	$(PY) -m tools.screenshots

venv: $(STAMP)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m compileall -q app  # as a regular install would: no compiling at every start
	touch $(STAMP)

$(VENV)/bin/python:
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || $(MAKE) --no-print-directory apt PKGS=python3-venv
	$(PYTHON) -m venv $(VENV)

sysdeps-test:
	@$(MAKE) --no-print-directory apt PKGS="$(QT_LIBS) $(TEST_TOOLS)"
sysdeps-run:
	@$(MAKE) --no-print-directory apt PKGS="$(QT_LIBS) $(X_LIBS)"
sysdeps-shots:
	@$(MAKE) --no-print-directory apt PKGS="$(QT_LIBS) $(X_LIBS) $(SHOT_TOOLS) $(TEST_TOOLS)"

# Installs the Debian packages in PKGS that are missing (as root), or prints the line to run.
apt:
	@command -v dpkg-query >/dev/null || exit 0; \
	missing=""; for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing system packages:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "Policy Tracker needs these system packages. Run:"; \
	  echo "  sudo apt-get install --no-install-recommends$$missing"; \
	  exit 1; \
	fi

lint: $(STAMP)
	$(RUFF)
	$(MYPY)
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache
