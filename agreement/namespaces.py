"""The Office Open XML namespaces, defined once for every module that reads or writes Word and Excel parts."""

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"  # a part's relationship ids
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"  # a drawing's place in the text
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"  # the .rels parts
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
EXTENDED_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
