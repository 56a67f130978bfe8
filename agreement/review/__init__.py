"""Reviewing a change: what two versions of the content do to the documents (diff, redlines); imports any earlier stage."""
