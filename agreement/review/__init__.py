"""Review: what changed between two versions of the content (diff, redlines); may import any earlier stage."""
