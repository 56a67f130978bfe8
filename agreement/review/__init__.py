"""Reviewing a change: what two versions of the content do to the documents. A stage after the pipeline; imports any earlier one."""
