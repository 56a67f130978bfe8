"""LBF editions: one folder of Word templates and edition.yaml per funding period."""
