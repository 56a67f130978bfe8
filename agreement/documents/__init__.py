"""The document kinds: the registry and one module per kind, turning the model into template values and metadata."""
