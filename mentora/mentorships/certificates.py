"""The completion certificate (mentee) and recognition (mentor) as a one-page PDF (fpdf2)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

__all__ = ["render_certificate_pdf"]


def render_certificate_pdf(
    *, heading: str, recipient: str, statement: str, program: str, organization: str, started_on: date | None,
    ended_on: date | None, achievements: list[str],
) -> bytes:
    """Lay out a landscape A4 certificate and return the PDF bytes."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(f"{heading} — {recipient}")
    pdf.set_author(organization)
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    if (FONT_DIR / "DejaVuSans.ttf").exists():
        # A Unicode font, so every name prints as written.
        pdf.add_font("body", "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font("body", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        font = "body"
    else:
        font = "helvetica"

    def text(value: str) -> str:
        return value if font == "body" else value.encode("latin-1", "replace").decode("latin-1")

    pdf.set_draw_color(40, 90, 140)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_y(35)
    pdf.set_font(font, "B", 30)
    pdf.cell(0, 16, text(heading), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 14)
    pdf.cell(0, 12, text(organization), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(font, "B", 26)
    pdf.cell(0, 16, text(recipient), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 14)
    pdf.multi_cell(0, 9, text(f"{statement} “{program}”"), align="C", new_x="LMARGIN", new_y="NEXT")
    if started_on and ended_on:
        pdf.cell(0, 9, text(f"{started_on:%d %B %Y} – {ended_on:%d %B %Y}"), align="C", new_x="LMARGIN", new_y="NEXT")
    if achievements:
        pdf.ln(4)
        pdf.set_font(font, "B", 12)
        pdf.cell(0, 8, text("Goals achieved"), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 12)
        for achievement in achievements[:6]:
            pdf.cell(0, 7, text(f"• {achievement[:90]}"), align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
