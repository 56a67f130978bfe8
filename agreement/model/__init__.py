"""The typed, immutable model of a checked content folder, and the rules across its files. Imports editions, source and the base modules."""
