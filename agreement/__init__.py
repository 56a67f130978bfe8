"""agreement: LBF social-housing agreement documents from YAML content."""

__version__ = "0.1.0"
