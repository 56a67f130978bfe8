"""Files made from the rendered documents and the model: PDF (LibreOffice), PDF metadata, XLSX, diagrams."""
