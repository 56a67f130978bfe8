"""Word rendering: docxtpl templates, Markdown and tables to WordprocessingML, the organisation diagram.

Imports documents and below; never outputs.
"""
