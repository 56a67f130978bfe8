"""The typed, immutable model of a checked content folder. Imports errors, formatting and source only."""
