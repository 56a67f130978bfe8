"""Reading and checking content: YAML, schemas, rules. Imports errors and formatting only; never Word, PDF or XLSX code."""
