"""The built-in document kinds, registered in the order of the manifest."""

from agreement.documents import (
    beredskabsplan,
    budget,
    delaftale,
    indberetningsskema,
    kommissorium,
    milepaelsplan,
    opfoelgning,
    strategic,
)
from agreement.documents.registry import Registry

KINDS = Registry((strategic.KIND, delaftale.KIND, budget.KIND, beredskabsplan.KIND, milepaelsplan.KIND, kommissorium.KIND,
                  indberetningsskema.KIND, opfoelgning.KIND))
