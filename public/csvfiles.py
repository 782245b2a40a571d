"""The public CSV downloads: cells a spreadsheet will not run as formulas, streamed in chunks.

A streamed response is written to the client one chunk at a time, and under a WSGI server
(gunicorn) each chunk the iterator yields is a write of its own: a chunk per row made the
register's export of a whole body thousands of small writes. The rows are written into a
buffer and sent in chunks of about `CHUNK_SIZE` characters, the header alone first, so the
download starts before the database is asked for the first row (bench/register_bench.py).
"""

import csv
import io
from collections.abc import Iterable

from django.http import StreamingHttpResponse

#: About this many characters in each chunk of a streamed CSV.
CHUNK_SIZE = 64 * 1024

#: What a cell must not start with, or a spreadsheet may run it as a formula (OWASP CSV
#: injection): such a cell is written with a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_START)


def csv_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in _FORMULA_FIRST else text


def csv_chunks(header: list[str], rows: Iterable[list], *, escaped: bool = False):
    """The CSV's text in chunks: the byte-order mark and the header first, then the rows in
    chunks of about CHUNK_SIZE characters. Every cell goes through `csv_cell` unless `escaped`
    says the rows' maker has done so already (`public.register.csv_rows`, which escapes the
    cells that can hold text and leaves its numbers and dates alone)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer.writerow(header)
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    writerow, tell = writer.writerow, buffer.tell
    for row in rows:
        writerow(row if escaped else [csv_cell(cell) for cell in row])
        if tell() >= CHUNK_SIZE:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if tell():
        yield buffer.getvalue()


def csv_response(
    filename: str, header: list[str], rows: Iterable[list], *, escaped: bool = False
) -> StreamingHttpResponse:
    """A streamed CSV download of `rows` under `header` (see `csv_chunks`)."""
    response = StreamingHttpResponse(
        csv_chunks(header, rows, escaped=escaped), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
