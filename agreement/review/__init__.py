"""Reviewing a change: what two versions of the content do to the documents (diff, redlines, git's textconv).

Imports the pipeline and below.
"""
