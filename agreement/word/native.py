"""Make a saved DOCX Word-native: current compatibility mode, Danish settings, honest properties, no stale parts."""

from __future__ import annotations

from lxml import etree

from agreement import __version__
from agreement.model.metadata import Metadata
from agreement.namespaces import EXTENDED_NS, PKG_REL_NS, TYPES_NS, W_NS
from agreement.word.ooxml import w

SETTINGS = "word/settings.xml"
APP = "docProps/app.xml"
CONTENT_TYPES = "[Content_Types].xml"
DOCUMENT_RELS = "word/_rels/document.xml.rels"
STALE = "word/stylesWithEffects.xml"  # Word 2010's copy of the styles, left in python-docx's default template
WORD_URI = "http://schemas.microsoft.com/office/word"
COMPATIBILITY_MODE = "15"  # Word 2013 and later; anything lower opens in "compatibility mode"

# The children of w:settings in the order the schema (CT_Settings) requires, declared once so an element
# the document lacks is inserted where Word expects it (m:mathPr is the one child from another namespace);
# extensions of later Word versions (w14:docId, ...) come last.
SETTINGS_ORDER = (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
    "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges", "bordersDoNotSurroundHeader",
    "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors",
    "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate", "linkStyles",
    "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge", "revisionView",
    "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting", "documentProtection", "autoFormatOverride",
    "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation", "consecutiveHyphenLimit",
    "hyphenationZone", "doNotHyphenateCaps", "showEnvelope", "summaryLength", "clickAndTypeStyle",
    "defaultTableStyle", "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting",
    "bookFoldPrintingSheets", "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin",
    "doNotShadeFormData", "noPunctuationKerning", "characterSpacingControl", "printTwoOnOne",
    "strictFirstAndLastChars", "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture",
    "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml", "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
    "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat",
    "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
    "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade", "captions",
    "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator",
)
_RANK = {name: i for i, name in enumerate(SETTINGS_ORDER)}


def application() -> str:
    """What docProps/app.xml names as the program that wrote the file."""
    return f"agreement {__version__}"


def finish_entries(entries: dict[str, bytes], meta: Metadata) -> dict[str, bytes]:
    """The package's entries (name -> bytes, in zip order) as Word itself would save them, changed in place and returned.

    Done on the rendered package, not on the template, so a template later saved by Word (with its own settings
    and properties) still comes out the same way.
    """
    if SETTINGS in entries:
        entries[SETTINGS] = settings_xml(entries[SETTINGS])
    entries[APP] = app_xml(company=meta.author)
    if STALE in entries:
        del entries[STALE]
        entries[DOCUMENT_RELS] = _without_relationship(entries[DOCUMENT_RELS], STALE.rsplit("/", 1)[1])
        entries[CONTENT_TYPES] = _without_override(entries[CONTENT_TYPES], f"/{STALE}")
    return entries


def settings_xml(data: bytes) -> bytes:
    """settings.xml with compatibility mode 15, Danish separators and theme language, and no proofing state.

    w:proofState "clean" would tell Word the spelling and grammar were already checked, so it would not mark
    errors in the text this program wrote.
    """
    root = etree.fromstring(data)
    for node in root.findall(w("proofState")):
        root.remove(node)
    compat = _child(root, "compat")
    mode = next((s for s in compat.findall(w("compatSetting")) if s.get(w("name")) == "compatibilityMode"), None)
    if mode is None:
        mode = etree.SubElement(compat, w("compatSetting"))  # compatSetting is the last kind of child of w:compat
        mode.set(w("name"), "compatibilityMode")
        mode.set(w("uri"), WORD_URI)
    mode.set(w("val"), COMPATIBILITY_MODE)
    lang = _child(root, "themeFontLang")
    for attr in list(lang.attrib):
        del lang.attrib[attr]  # python-docx's default carries en-US with a Japanese East Asian language
    lang.set(w("val"), "da-DK")
    _child(root, "decimalSymbol").set(w("val"), ",")
    _child(root, "listSeparator").set(w("val"), ";")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _child(root: etree._Element, name: str) -> etree._Element:
    """The w:`name` child of w:settings, inserted in schema order when it is missing."""
    found = root.find(w(name))
    if found is not None:
        return found
    node = etree.Element(w(name), nsmap={"w": W_NS})
    rank = _RANK[name]
    for i, sibling in enumerate(root):
        if not isinstance(sibling.tag, str):
            continue  # a comment or processing instruction
        if _RANK.get(etree.QName(sibling).localname, len(_RANK)) > rank:
            root.insert(i, node)
            return node
    root.append(node)
    return node


def app_xml(*, company: str) -> bytes:
    """docProps/app.xml naming this program, with no statistics (Word recounts pages and words itself)."""
    root = etree.fromstring(f'<Properties xmlns="{EXTENDED_NS}"/>')
    for tag, text in (("Application", application()), ("DocSecurity", "0"), ("ScaleCrop", "false"),
                      ("Company", company), ("LinksUpToDate", "false"), ("SharedDoc", "false"),
                      ("HyperlinksChanged", "false")):
        etree.SubElement(root, f"{{{EXTENDED_NS}}}{tag}").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _without_relationship(data: bytes, target: str) -> bytes:
    root = etree.fromstring(data)
    for rel in root.findall(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("Target") == target:
            root.remove(rel)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _without_override(data: bytes, part: str) -> bytes:
    root = etree.fromstring(data)
    for override in root.findall(f"{{{TYPES_NS}}}Override"):
        if override.get("PartName") == part:
            root.remove(override)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
