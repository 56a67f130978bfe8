# Quick start: `make build`, then `make test`. Both work on a fresh Debian/Ubuntu machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the build and the tests need: LibreOffice (DOCX to PDF; Calc recalculates
# the budget workbook in the tests), Graphviz
# (organisation diagram), librsvg2-bin (rsvg-convert draws SVG figures as PNG; LGPL-2.1+),
# the fonts the templates name or metric-compatible ones, poppler-utils (pdftotext, used by the tests),
# pandoc (a second DOCX reader in the tests), hyphen-da (LibreOffice's Danish hyphenation patterns,
# for table cells whose words must break) and python3-uno (the system Python's bridge to LibreOffice,
# so the build renders while LibreOffice starts). The list is package data, so the CI files install the same
# set from the agreement they install.
SYSTEM_PACKAGES := $(shell cat agreement/system-packages.txt)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: build test check lint preview bench system-packages clean

build: $(VENV)/.installed system-packages
	$(BIN)/agreement build

check: $(VENV)/.installed
	$(BIN)/agreement check

# On every core (pytest-xdist); each test module stays on one worker, so its module fixtures are made once.
test: $(VENV)/.installed system-packages
	$(BIN)/python -m pytest -n auto --dist loadscope

# ruff (lint), mypy --strict and import-linter's layer contracts, as configured in pyproject.toml.
lint: $(VENV)/.installed
	$(BIN)/ruff check agreement tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# Times the full build, rebuilds, check and ten times the content against a bare LibreOffice conversion.
bench: $(VENV)/.installed system-packages
	$(BIN)/python benchmarks/bench.py

# The layout corpus the tests hold to the layout promises: the sample and the test areas.
CORPUS := solhaven ringparken skovparken albertslund-udvidet

# Contact sheets of every page of every PDF in build/ (pdftoppm thumbnails put together with Pillow):
# build/preview/contact-sheet.png shows the whole set, build/preview/<document>.png one document; the other areas of
# the layout corpus are built into build/corpus/<area>/ and shown in build/preview/corpus/<area>/.
preview: build
	$(BIN)/python tools/contact_sheet.py build build/preview
	@for area in $(CORPUS); do \
		$(BIN)/agreement build -q --content tests/fixtures/areas/$$area --out build/corpus/$$area && \
		$(BIN)/python tools/contact_sheet.py build/corpus/$$area build/preview/corpus/$$area || exit 1; \
	done

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

system-packages:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

clean:
	rm -rf build $(VENV)
