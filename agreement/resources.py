"""Package data: the schemas and the built-in editions, found with importlib.resources."""

from importlib.resources import files
from pathlib import Path

_PACKAGE = Path(str(files("agreement")))
SCHEMAS = _PACKAGE / "schemas"
EDITIONS = _PACKAGE / "editions"
# The folder in a content folder that holds copies of the schemas for editors (see agreement.scaffold.editor_help).
EDITOR_SCHEMAS = ".schemas"
