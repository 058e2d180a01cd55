"""Letters and visit lists as PDFs, drawn with ReportLab in the service's plain style: black text
on A4, the council's names as text (no crest or logo).

Names such as Łukasz or Ştefan are printed as written in Liberation Sans (or DejaVu Sans), the
first found of the fonts installed with the system (Debian's fonts-liberation); with neither,
Helvetica prints the letters it has, and the rest without their accents.

Letters and visits import this module when they draw their first PDF, so that ReportLab loads then
and not when the app starts."""
import unicodedata
from collections.abc import Sequence
from functools import cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tep_app.validation import clean_text

SERVICE_NAME = "The Education People"
SERVICE_LINES = ("Skills and Employability Service", "Kent County Council")
AUTHOR = "The Education People, Kent County Council"
SIGNED_AS = "Participation and Tracking Officer"

# (regular, bold) font files, the first pair found is used.
FONT_FILES = (
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)


@cache
def fonts() -> tuple[str, str, bool]:
    """(regular, bold, whether they draw any letter): a font found on the system, else Helvetica."""
    for regular, bold in FONT_FILES:
        if Path(regular).is_file() and Path(bold).is_file():
            pdfmetrics.registerFont(TTFont("TEPSans", regular))
            pdfmetrics.registerFont(TTFont("TEPSans-Bold", bold))
            return "TEPSans", "TEPSans-Bold", True
    return "Helvetica", "Helvetica-Bold", False


@cache
def _styles() -> dict:
    regular, bold, _any_letter = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=11, leading=15, spaceAfter=9)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT, spaceAfter=0, leading=14)
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11, spaceAfter=0)
    return {
        "body": body, "right": right, "cell": cell,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=12, spaceAfter=0),
        "service": ParagraphStyle("service", parent=right, fontName=bold, fontSize=14, leading=18),
        "address": ParagraphStyle("address", parent=body, spaceAfter=0),
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=13, leading=17, spaceBefore=6),
        "heading": ParagraphStyle("heading", parent=body, fontName=bold, fontSize=16, leading=20),
        "head_cell": ParagraphStyle("head-cell", parent=cell, fontName=bold),
    }


def _text(value) -> str:
    """Text as a ReportLab paragraph reads it: no control characters, markup characters escaped;
    with Helvetica, letters it cannot draw lose their accents (anything else becomes "?")."""
    text = clean_text(str(value or ""))
    if not fonts()[2]:
        text = "".join(char if _in_cp1252(char) else _plain(char) for char in text)
    return escape(text)


def _in_cp1252(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


_PLAIN = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i", "Ħ": "H", "ħ": "h"}


def _plain(char: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", _PLAIN.get(char, char)) if not unicodedata.combining(c))
    return bare if bare and all(_in_cp1252(c) for c in bare) else "?"


def _para(value, style: str):
    return Paragraph(_text(value).replace("\n", "<br/>"), _styles()[style])


def _document(out: BytesIO, title: str, pagesize=None):
    return SimpleDocTemplate(out, pagesize=pagesize or A4, title=title, author=AUTHOR, subject=title,
                             creator="TEP Follow-up", leftMargin=20 * mm, rightMargin=20 * mm,
                             topMargin=18 * mm, bottomMargin=18 * mm)


# Letters.

def _letter_flowables(letter) -> list:
    header = [_para(SERVICE_NAME, "service")]
    header += [_para(line, "right") for line in SERVICE_LINES]
    header += [Spacer(1, 3 * mm), _para(f"Phone: {letter.reply_phone}", "right"),
               _para(f"Email: {letter.reply_email}", "right")]
    address = [_para(line, "address") for line in letter.address_lines]
    flowables = [*header, Spacer(1, 8 * mm), *address, Spacer(1, 10 * mm),
                 _para(letter.dated, "body"), _para(letter.reference, "small"), Spacer(1, 6 * mm),
                 _para(letter.title, "title")]
    flowables += [_para(paragraph, "body") for paragraph in letter.paragraphs]
    flowables.append(KeepTogether([_para("Yours sincerely", "body"), Spacer(1, 10 * mm),
                                   _para(letter.officer_name, "address"), _para(SIGNED_AS, "address"),
                                   _para(SERVICE_NAME, "address")]))
    flowables += [Spacer(1, 10 * mm), _para(f"How we use personal data: {letter.privacy_url}", "small")]
    return flowables


def letters_pdf(letters: Sequence) -> bytes:
    """One letter a page (a long letter runs on, and the next starts on a new page)."""
    out = BytesIO()
    flowables = []
    for number, letter in enumerate(letters):
        if number:
            flowables.append(PageBreak())
        flowables += _letter_flowables(letter)
    _document(out, "A letter from The Education People").build(flowables)
    return out.getvalue()


# Visit lists.

VISIT_COLUMNS = ("Name", "Date of birth", "Address", "Postcode", "Phone numbers held", "Last attempt", "Outcome")
# Millimetres, across a landscape A4 page less its margins: wide enough in any font fonts() picks for
# each heading's longest word, and for a postcode to stay on one line.
_WIDTHS = (38, 24, 54, 26, 38, 45, 42)


def _page_number(canvas, document) -> None:
    canvas.saveState()
    canvas.setFont(fonts()[0], 8)
    canvas.drawRightString(document.pagesize[0] - 15 * mm, 10 * mm, f"Page {document.page}")
    canvas.restoreState()


def visit_list_pdf(title: str, subtitle: str, rows: Sequence) -> bytes:
    """A table to take on visits, the blank outcome column to write in; its heading row repeats on
    every page."""

    out = BytesIO()
    document = _document(out, title, landscape(A4))
    document.leftMargin = document.rightMargin = 15 * mm
    data = [[_para(name, "head_cell") for name in VISIT_COLUMNS]]
    for row in rows:
        data.append([_para(row.name, "cell"), _para(row.date_of_birth, "cell"), _para(row.address, "cell"),
                     _para(row.postcode, "cell"), _para(row.phones, "cell"), _para(row.last_attempt, "cell"), ""])
    table = Table(data, colWidths=[width * mm for width in _WIDTHS], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 1), (-1, -1), 4), ("BOTTOMPADDING", (0, 1), (-1, -1), 14),
    ]))
    flowables = [_para(title, "heading"), _para(subtitle, "body"), table] if rows else \
        [_para(title, "heading"), _para(subtitle, "body"), _para("No cases need a visit.", "body")]
    document.build(flowables, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()
