"""The round model (issue 16): one answer per organisation and for the district.

Above ``consolidate`` (it reads and checks through ``merge``), below documents, mail and the
web pages, which all read it. See ``model.open_round``.
"""

from ita_xlsx.rounds.model import (
    IndicatorFigure,
    OrgRound,
    OrgState,
    Round,
    RoundFigures,
    RoundFile,
    assign,
    layout_of,
    open_round,
    restore,
    set_aside,
)
from ita_xlsx.rounds.store import FileRuling, Reply, RoundStore

__all__ = ["FileRuling", "IndicatorFigure", "OrgRound", "OrgState", "Reply", "Round",
           "RoundFigures", "RoundFile", "RoundStore", "assign", "layout_of", "open_round",
           "restore", "set_aside"]
