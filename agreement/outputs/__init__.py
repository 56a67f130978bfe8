"""Files made beside the Word files: PDF/A (LibreOffice), PDF metadata, XLSX workbooks. Imports documents and below; never word."""
