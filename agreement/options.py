"""Build options the CLI and the pipeline share, in a module light enough for `agreement check` to import."""

DEFAULT_TIMEOUT = 300.0  # seconds LibreOffice may take to convert a build's documents
FORMATS = ("docx", "pdf")  # the formats a build makes unless told otherwise
