"""Publishing a build into --out all at once: the stage, the manifest, the build cache, file names. Imports word, outputs and below."""
