"""Hostile spreadsheets, made byte by byte: a sparse sheet whose corners are far apart, and a zip
bomb whose sheet expands to a gigabyte of XML."""
import io
import zipfile

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 b'<Default Extension="xml" ContentType="application/xml"/>'
                 b'<Override PartName="/xl/workbook.xml" '
                 b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 b'<Override PartName="/xl/worksheets/sheet1.xml" '
                 b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 b'</Types>')
ROOT_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             b'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="List" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_START = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _package(sheet_writer) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        sheet_writer(archive)
    return buffer.getvalue()


def sparse_xlsx(far_corner: str = "XFD1048576", declare: bool = True, header: str = "Reference") -> bytes:
    """Two cells: A1 and a far corner. Read as a rectangle, it is 17 billion cells."""
    far_row = int("".join(ch for ch in far_corner if ch.isdigit()))
    dimension = f'<dimension ref="A1:{far_corner}"/>'.encode() if declare else b""
    sheet = (SHEET_START + dimension + b"<sheetData>" + b'<row r="1">' + _cell("A1", header) + b"</row>"
             + f'<row r="{far_row}">'.encode() + _cell(far_corner, "x") + b"</row></sheetData></worksheet>")
    return _package(lambda archive: archive.writestr("xl/worksheets/sheet1.xml", sheet))


def zip_bomb_xlsx(expanded_mb: int = 1024) -> bytes:
    """A sheet whose XML expands to `expanded_mb` MB, nearly all of it one repeated run of text."""
    chunk = b"A" * (1024 * 1024)

    def write_sheet(archive):
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
            for _ in range(expanded_mb):
                sheet.write(chunk)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")

    return _package(write_sheet)


def rows_bomb_xlsx(rows: int = 2_000_000) -> bytes:
    """Millions of identical rows that name no place (each follows the one before): a few
    hundred kilobytes that expand to hundreds of megabytes of XML."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'

    def write_sheet(archive):
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START + b"<sheetData>")
            block = row * 10_000
            for _ in range(rows // 10_000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")

    return _package(write_sheet)
