"""Reading and checking one content file: bounded YAML with positions, schemas, rules within a file.

Imports only the base modules (errors, formatting, ...); never Word, PDF or spreadsheet code.
"""
