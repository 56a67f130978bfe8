"""The document kinds: the registry, the loader that loops over it, one module per kind (template values as data).

Imports model and below.
"""
