"""The names of the built-in document kinds, as the manifest and the registry use them."""

STRATEGIC = "strategisk-samarbejdsaftale"
DELAFTALE = "delaftale"
BUDGET = "budget"
BEREDSKABSPLAN = "beredskabsplan"
MILEPAELSPLAN = "milepaelsplan"
KOMMISSORIUM = "kommissorium"
INDBERETNINGSSKEMA = "indberetningsskema"
OPFOELGNINGSRAPPORT = "opfoelgningsrapport"  # the yearly follow-up report, one per follow-up file

# Not a document kind: the yearly follow-up files (opfoelgning/<år>.yaml), which later documents read.
OPFOELGNING = "opfoelgning"
