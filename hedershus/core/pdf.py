"""PDF exports (cost sharing, data-subject extracts) share one font set-up.

ReportLab's built-in fonts are Latin-1 only; Bitstream Vera, which ReportLab ships, covers
Swedish and is embedded in the file, so the PDF reads the same on any machine.
"""

from __future__ import annotations

import os

FONT = "HedershusVera"


def pdf_fonts() -> tuple[str, str]:
    """The names of the regular and bold fonts to use in a ReportLab document, registering
    them (once per process) from ReportLab's own fonts folder."""
    import reportlab
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        rl_config.TTFSearchPath.append(os.path.join(os.path.dirname(reportlab.__file__), "fonts"))
        pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
        pdfmetrics.registerFont(TTFont(f"{FONT}-Bold", "VeraBd.ttf"))
    return FONT, f"{FONT}-Bold"
