"""Word rendering: docxtpl templates, Markdown to WordprocessingML, tables. Imports errors only, never content."""
