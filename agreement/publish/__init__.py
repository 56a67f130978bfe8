"""Publishing a build: the manifest, the upload package. The last stage; imports any earlier one."""
