"""Workbooks on disk: write the codebook template (an .xlsx with drop-downs, or a folder of CSV files)
and read a filled one back as rows of text, each with its sheet and row number for the messages.

Layout of every sheet (and CSV file): row 1 the column keys, row 2 their meaning in English and
Indonesian, rows 3 and after the data. A reader who deletes row 2 loses nothing: it is recognised by
its text and skipped only when it is the meaning row."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kg.casebook.codebook import SHEETS, Sheet
from kg.casebook.vocab import Vocabulary
from kg.errors import InputError

__all__ = ["Row", "Table", "write_xlsx", "write_csv_dir", "read_workbook", "meaning_row", "FIRST_DATA_ROW"]

FIRST_DATA_ROW = 3
EXPLANATION_SHEET = "explanation"
LISTS_SHEET = "lists"


@dataclass
class Row:
    sheet: str
    number: int                       # the row number a person sees in the spreadsheet (1-based)
    cells: dict[str, str]             # column key -> text ('' for empty)

    def get(self, key: str) -> str:
        return self.cells.get(key, "")


@dataclass
class Table:
    sheet: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)


def _required(col) -> str:
    """When a column must be filled, as the explanation sheet says it."""
    req = "always" if col.required else ("when new = yes" if col.required_new else "")
    return f"{req}, unless {col.unless} is filled" if req and col.unless else req


def meaning_row(sheet: Sheet, vocab: Vocabulary) -> list[str]:
    return [f"{vocab.meaning(c, 'en')} / {vocab.meaning(c, 'id')}" for c in sheet.columns]


# -------------------------------------------------------------------------------------------------
# Writing
# -------------------------------------------------------------------------------------------------
def _atomic_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_xlsx(path: Path, vocab: Vocabulary, rows: dict[str, list[list[str]]] | None = None) -> None:
    """The template as one workbook: a sheet per kind of record with drop-downs, a `lists` sheet
    holding the allowed values, an `explanation` sheet. `rows` (sheet -> rows of cell texts in
    column order) fills it, e.g. with an existing case."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.remove(wb.active)
    lists = []                                                  # (header, values) for the lists sheet
    explanation = wb.create_sheet(EXPLANATION_SHEET)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        meanings = meaning_row(sheet, vocab)
        for i, col in enumerate(sheet.columns, start=1):
            key_cell = ws.cell(row=1, column=i, value=col.key)
            key_cell.font = Font(bold=True)
            key_cell.comment = Comment(meanings[i - 1], "kg template")
            m = ws.cell(row=2, column=i, value=meanings[i - 1])
            m.font = Font(italic=True, color="555555")
            m.alignment = Alignment(wrap_text=True, vertical="top")
            m.fill = PatternFill("solid", fgColor="EEEEEE")
            ws.column_dimensions[get_column_letter(i)].width = 28
            choices = vocab.choices(col)
            if choices:
                lists.append((f"{sheet.name}.{col.key}", choices))
                letter = get_column_letter(len(lists))
                ref = f"{LISTS_SHEET}!${letter}$2:${letter}${len(choices) + 1}"
                # a list column takes several values separated by ';', which a list validation refuses
                dv = DataValidation(type="list", formula1=ref, allow_blank=True,
                                    showErrorMessage=not col.multi, errorStyle="warning",
                                    error=f"Choose one of the values in the {LISTS_SHEET} sheet, column {letter}.")
                ws.add_data_validation(dv)
                dv.add(f"{get_column_letter(i)}{FIRST_DATA_ROW}:{get_column_letter(i)}1000")
        ws.freeze_panes = f"A{FIRST_DATA_ROW}"
        for r, values in enumerate((rows or {}).get(sheet.name, []), start=FIRST_DATA_ROW):
            for i, v in enumerate(values, start=1):
                if v != "":
                    ws.cell(row=r, column=i, value=v)
    ls = wb.create_sheet(LISTS_SHEET)
    for i, (header, values) in enumerate(lists, start=1):
        ls.cell(row=1, column=i, value=header).font = Font(bold=True)
        for r, v in enumerate(values, start=2):
            ls.cell(row=r, column=i, value=v)
    _explain(explanation, vocab)
    buf = io.BytesIO()
    wb.save(buf)
    _atomic_bytes(Path(path), _fixed_zip_times(buf.getvalue()))


def _fixed_zip_times(data: bytes) -> bytes:
    """openpyxl stamps the current time into the workbook's properties and the zip entries; the same
    template must be the same bytes, so the stamps are set to a fixed date."""
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>2000-01-01T00:00:00Z\2", body)
            zi = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, body)
    return out.getvalue()


def _explain(ws, vocab: Vocabulary) -> None:
    from openpyxl.styles import Alignment, Font

    ws.append(["How to fill this workbook / Cara mengisi buku kerja ini"])
    ws["A1"].font = Font(bold=True, size=13)
    for line in (
        "Row 1 of every sheet holds the column keys (do not rename them); row 2 says what each column means; write data from row 3.",
        "Baris 1 setiap lembar berisi kunci kolom (jangan diganti); baris 2 menjelaskan artinya; isi data mulai baris 3.",
        "Every row names its passage: the sentence of a source, quoted verbatim on the sheet 'passages', that says what the row records.",
        "Setiap baris menyebut kutipannya (lembar 'passages'): kalimat sumber yang menyatakan isi baris itu, dikutip apa adanya.",
        "Names (parties, states, agreements) may be written as an id, a label or an alternative label; a new node needs new = yes.",
        "Nama boleh ditulis sebagai id, label, atau label alternatif; simpul baru perlu new = yes.",
        "Several values in one cell: names and concepts separated by ';', texts one a line. Dates: YYYY, YYYY-MM or YYYY-MM-DD.",
        "Record only what the source says. Two sources that disagree are both kept: `kg import` flags the conflict.",
        "Check without writing: kg import THIS.xlsx --check ; write: kg import THIS.xlsx -o data/NAME.trig",
    ):
        ws.append([line])
    ws.append([])
    ws.append(["sheet", "column", "meaning (English)", "arti (Indonesia)", "value", "required", "example"])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for sheet in SHEETS:
        for col in sheet.columns:
            choices = vocab.choices(col)
            value = col.value + (f" (one of the {len(choices)} values in sheet 'lists')" if choices else "")
            if col.multi:
                value += ", several allowed"
            req = _required(col)
            ws.append([sheet.name, col.key, vocab.meaning(col, "en"), vocab.meaning(col, "id"), value, req, col.example])
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 60
    ws.column_dimensions["D"].width = 60
    for row in ws.iter_rows(min_row=12):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")


def write_csv_dir(folder: Path, vocab: Vocabulary, rows: dict[str, list[list[str]]] | None = None) -> list[Path]:
    """The template as a folder of CSV files (UTF-8, one per sheet), plus lists.csv and explanation.csv."""
    folder = Path(folder)
    written = []
    for sheet in SHEETS:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(sheet.keys)
        w.writerow(meaning_row(sheet, vocab))
        for values in (rows or {}).get(sheet.name, []):
            w.writerow(values)
        p = folder / f"{sheet.name}.csv"
        _atomic_bytes(p, buf.getvalue().encode("utf-8"))
        written.append(p)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["sheet", "column", "value"])
    for sheet in SHEETS:
        for col in sheet.columns:
            for v in vocab.choices(col):
                w.writerow([sheet.name, col.key, v])
    _atomic_bytes(folder / f"{LISTS_SHEET}.csv", buf.getvalue().encode("utf-8"))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["sheet", "column", "meaning_en", "meaning_id", "value", "required", "example"])
    for sheet in SHEETS:
        for col in sheet.columns:
            w.writerow([sheet.name, col.key, vocab.meaning(col, "en"), vocab.meaning(col, "id"), col.value,
                        _required(col), col.example])
    _atomic_bytes(folder / f"{EXPLANATION_SHEET}.csv", buf.getvalue().encode("utf-8"))
    return written + [folder / f"{LISTS_SHEET}.csv", folder / f"{EXPLANATION_SHEET}.csv"]


# -------------------------------------------------------------------------------------------------
# Reading
# -------------------------------------------------------------------------------------------------
def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _table(sheet_name: str, grid: list[list[str]], vocab: Vocabulary) -> Table:
    header = [h.strip() for h in (grid[0] if grid else [])]
    while header and header[-1] == "":
        header.pop()
    table = Table(sheet_name, header)
    start = 1
    from kg.casebook.codebook import sheet_named

    sheet = sheet_named(sheet_name)
    if sheet is not None and len(grid) > 1:
        expected = dict(zip(sheet.keys, meaning_row(sheet, vocab)))
        second = grid[1]
        filled = [(header[i], v) for i, v in enumerate(second[:len(header)]) if v]
        if filled and all(expected.get(k) == v for k, v in filled):
            start = 2
    for i, values in enumerate(grid[start:], start=start + 1):
        cells = {header[j]: (values[j] if j < len(values) else "") for j in range(len(header)) if header[j]}
        if any(v for v in cells.values()):
            table.rows.append(Row(sheet_name, i, cells))
    return table


def read_workbook(path: Path, vocab: Vocabulary) -> dict[str, Table]:
    """Every sheet of an .xlsx file, or every <sheet>.csv of a folder, as text."""
    path = Path(path)
    if path.is_dir():
        tables = {}
        for f in sorted(path.glob("*.csv")):
            if f.stem in (LISTS_SHEET, EXPLANATION_SHEET):
                continue
            try:
                text = f.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError as exc:
                raise InputError(f"{f}: not UTF-8 text ({exc.reason} at byte {exc.start}); save the CSV as UTF-8") from None
            grid = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]
            tables[f.stem] = _table(f.stem, grid, vocab)
        if not tables:
            raise InputError(f"{path}: no .csv files here; `kg template --csv {path}` writes the empty codebook")
        return tables
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"{path}: expected a workbook (.xlsx) or a folder of CSV files")
    from openpyxl import load_workbook
    from zipfile import BadZipFile

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc}); save it again as Excel Workbook (.xlsx)") from None
    tables = {}
    for ws in wb.worksheets:
        if ws.title in (LISTS_SHEET, EXPLANATION_SHEET):
            continue
        grid = [[_cell_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
        tables[ws.title] = _table(ws.title, grid, vocab)
    wb.close()
    return tables
