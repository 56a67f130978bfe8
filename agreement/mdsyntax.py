"""The one Markdown dialect of content (CommonMark with footnotes), shared by the checks and the Word renderer."""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

# Raw HTML stays text and bare addresses stay text: what the author typed is what Word shows.
PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).use(footnote_plugin)
