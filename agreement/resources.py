"""Package data: the schemas and the built-in editions, found with importlib.resources."""

from importlib.resources import files
from pathlib import Path

_PACKAGE = Path(str(files("agreement")))
SCHEMAS = _PACKAGE / "schemas"
EDITIONS = _PACKAGE / "editions"
