"""How big an uploaded spreadsheet may be, measured on what will really be read, BEFORE it is
parsed (issue #9, point 4; issue #19, points 1 and 2).

An .xlsx is a zip: a few kilobytes on disk may expand to hundreds of megabytes of XML, and
openpyxl then spends minutes and gigabytes on it. Nothing the file says about itself is
believed: neither a sheet's ``<dimension>`` (the importers reset it, and a writer may leave it
out or lie), nor the sizes in the zip's directory, nor the paths of its parts (a sheet may sit
at ``xl/worksheets/sub/sheet1.xml`` or anywhere its relationships point). ``measure_workbook``
therefore inflates EVERY part of the zip once, in a streaming way (a megabyte at a time, from
the compressed bytes, whatever size the directory claims), and while doing so

- adds up the bytes really inflated, and stops reading past ``IMPORT_MAX_EXPANDED_MB``;
- counts the rows openpyxl will yield from each part: the ``<row>`` elements, and the row
  numbers their ``r="…"`` attributes jump to (openpyxl fills the gap with empty rows);
- refuses a DOCTYPE or an ENTITY declaration in any part (billion laughs, XXE) at once;
- refuses a part whose inflated bytes disagree with its directory entry (size or CRC), or that
  is encrypted, or declares an encoding that is not ASCII-compatible (UTF-16 is read as such).

``check_workbook`` raises ``TooLarge`` with the Vietnamese reason; both import commands
(portal.importing.run_import) and every browser import (portal.forms.SpreadsheetUploadForm) call
it, and the views choose between a background job and the request on the rows it measured.
A file that is not a zip passes through: the importer says that it is not an .xlsx.

One pass over a 200 000-row file (about 170 MB of XML) takes well under a second
(scripts/bench_spreadsheet_limits.py). The defaults admit a national file of 200 000 cooperatives.
"""
import codecs
import lzma
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# Title rows above the header that the importers search through (cooperatives.importer.HEADER_SCAN_ROWS).
HEADER_SLACK_ROWS = 30
CHUNK = 1024 * 1024          # inflated bytes looked at a time
_COMPRESSED_BLOCK = 256 * 1024
_LONGEST_TAG = 64 * 1024     # a row tag longer than this is not from a spreadsheet writer

# Row elements, with or without a namespace prefix (<row …>, <x:row …>, looked for once a prefix
# is bound to the sheet's namespace); the common forms <row r="12" …> and <row> are counted by one
# findall, any other by the full tag pattern.
_ROW_START = re.compile(rb"<row[\s/>]")
_PREFIXED_ROW_START = re.compile(rb"<[^\s<>/!?:=\"']{1,64}(:row)[\s/>]")  # not </x:row>
_ROWS = re.compile(rb"<row(?:\s+r=\"([0-9]{1,12})\"[\s/>]|[\s/>])")
_PREFIX_BINDING = re.compile(  # a prefix bound to the sheet's namespace (or to a value with a character reference)
    rb"xmlns:[^\s=]+\s*=\s*(?:\"[^\"]*(?:&|spreadsheetml/2006/main\")|'[^']*(?:&|spreadsheetml/2006/main'))")
_ROW_TAG = re.compile(rb"<(?:[^\s<>/!?:=\"']{1,64}:)?row((?:\s+[^\s=<>/]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*/?>")
_R_ATTR = re.compile(rb"(?:^|\s)r\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')")
_CHAR_REF = re.compile(rb"&#(x[0-9a-fA-F]+|[0-9]+);")
_ENCODING = re.compile(rb"^<\?xml[^>]*?\sencoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


class TooLarge(ValueError):
    """The spreadsheet is refused before it is parsed; str() is the reason, in Vietnamese."""


@dataclass
class WorkbookSize:
    expanded_bytes: int = 0   # inflated so far (all of it, unless the limit stopped the reading)
    rows: int | None = None   # the most rows openpyxl will yield from one part, as counted
    refusal: str | None = None  # why the file is refused (Vietnamese); None: within the limits


def max_expanded_bytes():
    return int(getattr(settings, "IMPORT_MAX_EXPANDED_MB", 180)) * 1024 * 1024


def max_rows():
    return int(getattr(settings, "IMPORT_MAX_ROWS", 200_000))


def _dotted(number):
    return f"{number:,}".replace(",", ".")


class _Refused(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _damaged(part):
    return _Refused(_("Tệp Excel bị hỏng, không đọc được (phần %(part)s). Hãy mở tệp bằng Excel và lưu lại "
                      "dạng .xlsx.") % {"part": part[:80]})


def _entities():
    return _Refused(_("Tệp chứa khai báo thực thể XML, không nhận."))


def _too_many_bytes(limit):
    return _Refused(_("Tệp quá lớn: khi giải nén, nội dung tệp vượt %(limit)s MB. Hãy xóa các dòng, cột "
                      "trống hoặc chia tệp thành nhiều tệp nhỏ hơn.") % {"limit": limit // (1024 * 1024)})


def _too_many_rows(rows, limit):
    return _("Tệp có %(rows)s dòng, vượt giới hạn %(limit)s dòng dữ liệu. Hãy xóa các dòng trống "
             "ở cuối sheet hoặc chia tệp thành nhiều tệp nhỏ hơn.") % {
        "rows": _dotted(rows), "limit": _dotted(limit)}


def _row_number(raw, part):
    """A row's r="…" as openpyxl reads it (an integer, or a float that is one)."""
    try:
        text = _CHAR_REF.sub(lambda m: chr(int(m.group(1)[1:], 16) if m.group(1)[:1] == b"x"
                                            else int(m.group(1))).encode("utf-8"), raw).decode("utf-8")
        try:
            return int(text)
        except ValueError:
            value = float(text)
            if value.is_integer():
                return int(value)
    except (UnicodeDecodeError, ValueError, OverflowError):
        pass
    raise _damaged(part)


class _PartScan:
    """Fed one part's inflated bytes a chunk at a time: its rows, and any entity declaration."""

    def __init__(self, name):
        self.name = name
        self.started = self.sniffed = False
        self.xml = True
        self.decoder = None       # UTF-16 parts are scanned as UTF-8
        self.carry = b""
        self.in_prolog, self.prolog, self.prefixed = True, b"", False
        self.row_elements = 0     # <row> elements
        self.numberless = 0       # of which without r="…": each is the row after the previous one
        self.highest = 0          # the highest r="…"

    @property
    def rows(self):
        """An upper bound of the rows openpyxl yields: it goes to each r="…" (filling the gap with
        empty rows) and one row further for a row without one."""
        return max(self.row_elements, self.highest + self.numberless)

    def _start(self, data):
        self.started = True
        head = data[:4]
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.decoder = codecs.getincrementaldecoder("utf-16")("replace")
        elif head.startswith(b"<\x00") and not head.startswith(b"<\x00\x00"):
            self.decoder = codecs.getincrementaldecoder("utf-16-le")("replace")
        elif head.startswith(b"\x00<"):
            self.decoder = codecs.getincrementaldecoder("utf-16-be")("replace")
        if self.decoder is not None:
            self.sniffed = True
            return
        self._sniff(data[3:] if data.startswith(codecs.BOM_UTF8) else data)

    def _sniff(self, text):
        """XML (scanned) unless its first byte but white space is not "<": an image, a printer's
        settings, which are counted as bytes only."""
        stripped = text.lstrip()
        if not stripped:
            return  # still undecided
        self.sniffed = True
        if not stripped.startswith(b"<"):
            self.xml = False
            return
        declared = _ENCODING.match(stripped)
        if declared:
            encoding = declared.group(1).decode("ascii").lower()
            if not encoding.startswith(("utf-8", "utf8", "utf-16", "utf16")):
                try:  # expat reads single-byte encodings through Python's codecs: ASCII must stay ASCII
                    ascii_compatible = bytes(range(128)).decode(encoding) == bytes(range(128)).decode("ascii")
                except (LookupError, UnicodeDecodeError):
                    ascii_compatible = False
                if not ascii_compatible:
                    raise _damaged(self.name)

    def feed(self, data):
        if not self.started:
            self._start(data)
        elif not self.sniffed and self.decoder is None:
            self._sniff(data)
        if not self.xml:
            return
        if self.decoder is not None:
            data = self.decoder.decode(data).encode("utf-8")
        buffer = self.carry + data if self.carry else data
        cut = buffer.rfind(b"<")  # no "<" inside a tag: everything before the last one is whole tags
        if cut == -1:
            self.carry = b""
            return
        self._scan(buffer[:cut])
        pending = buffer[cut:]
        if len(pending) > _LONGEST_TAG:
            if _ROW_TAG.match(pending) is None and (_ROW_START.match(pending) or
                                                    _PREFIXED_ROW_START.match(pending)):
                raise _damaged(self.name)  # an unfinished row tag of 64 kB
            self._scan(pending)
            self.prefixed = self.prefixed or b"xmlns" in pending
            pending = b""
        self.carry = pending

    def finish(self):
        if self.xml and self.carry:
            self._scan(self.carry)
        self.carry = b""

    def _prolog(self, region):
        """What comes before the root element: an XML declaration, processing instructions,
        comments, white space and, the only place it may be, a DOCTYPE, inside which any ENTITY
        is declared: refused."""
        text = self.prolog = self.prolog + region
        at = 3 if text.startswith(codecs.BOM_UTF8) else 0
        while True:
            at = len(text) - len(text[at:].lstrip(b" \t\r\n"))
            if at >= len(text) - 1:
                break  # more to come
            if text.startswith(b"<?", at):
                end, closing = text.find(b"?>", at + 2), 2
            elif text.startswith(b"<!--", at):
                end, closing = text.find(b"-->", at + 4), 3
            elif text.startswith(b"<!", at):
                raise _entities()  # <!DOCTYPE …[<!ENTITY …>]>
            else:
                self.in_prolog, self.prolog = False, b""  # the root element (or not XML, which expat refuses)
                return
            if end == -1:
                break
            at = end + closing
        if len(text) > _LONGEST_TAG:
            raise _damaged(self.name)  # no spreadsheet writer puts 64 kB before the root element

    def _scan(self, region):
        if self.in_prolog:
            self._prolog(region)
        if not self.prefixed and _PREFIX_BINDING.search(region):
            self.prefixed = True  # rows may be <x:row>: looked for from here on
        numbers = _ROWS.findall(region)  # r="…" of each <row>, b"" when not the first attribute
        starts = len(numbers) + (len(_PREFIXED_ROW_START.findall(region)) if self.prefixed else 0)
        if not starts:
            return
        self.row_elements += starts
        others = numbers.count(b"")
        if others == 0 and starts == len(numbers):  # <row r="12" …> throughout: the usual case
            self.highest = max(self.highest, *map(int, numbers))
            return
        if starts == len(numbers) and others == region.count(b"<row>") + region.count(b"<row/>"):
            self.numberless += others  # and <row>
            if others < len(numbers):
                self.highest = max(self.highest, *(int(n) for n in numbers if n))
            return
        tags = _ROW_TAG.findall(region)  # the attributes of each row tag
        self.numberless += max(starts - len(tags), 0) + tags.count(b"")  # a malformed one as one more row
        for attributes in tags:
            if not attributes:
                continue
            r = _R_ATTR.search(attributes)
            if r is None:
                self.numberless += 1
            else:
                value = r.group(1) if r.group(1) is not None else r.group(2)
                self.highest = max(self.highest, _row_number(value, self.name))


def _inflate(archive, info):
    """The part's bytes as a reader gets them from its compressed bytes, a chunk at a time;
    the directory's sizes and CRC are checked afterwards, never trusted beforehand."""
    if info.flag_bits & 0x1:
        raise _damaged(info.filename)  # encrypted
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        try:  # bzip2, lzma: through zipfile, which stops at the directory's size and checks the CRC
            with archive.open(info) as part:
                while data := part.read(CHUNK):
                    yield data
        except (zipfile.BadZipFile, lzma.LZMAError, NotImplementedError, RuntimeError, OSError, EOFError,
                ValueError) as exc:  # a CRC or size mismatch, corrupt bzip2 (OSError) or LZMA data
            raise _damaged(info.filename) from exc
        return
    fp = archive.fp
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise _damaged(info.filename)
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    position = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    size = crc = 0
    try:
        while left > 0:
            fp.seek(position)  # the caller's reads elsewhere must not move us
            block = fp.read(min(left, _COMPRESSED_BLOCK))
            if not block:
                raise _damaged(info.filename)
            position += len(block)
            left -= len(block)
            if inflater is None:
                size, crc = size + len(block), zlib.crc32(block, crc)
                yield block
                continue
            data = inflater.decompress(block, CHUNK)
            while True:
                if data:
                    size, crc = size + len(data), zlib.crc32(data, crc)
                    yield data
                if not inflater.unconsumed_tail and len(data) < CHUNK:
                    break
                data = inflater.decompress(inflater.unconsumed_tail, CHUNK)
    except zlib.error as exc:
        raise _damaged(info.filename) from exc
    if size != info.file_size or crc != info.CRC:
        raise _damaged(info.filename)  # the directory lies: what is read is not what it says


def _measure(archive, size, rows_allowed):
    byte_limit, row_limit = max_expanded_bytes(), rows_allowed + HEADER_SLACK_ROWS
    for info in archive.infolist():
        if info.is_dir():
            continue
        scan = _PartScan(info.filename)
        for data in _inflate(archive, info):
            size.expanded_bytes += len(data)
            if size.expanded_bytes > byte_limit:
                raise _too_many_bytes(byte_limit)  # stop reading: whatever the rest holds
            scan.feed(data)
        scan.finish()
        if scan.row_elements or scan.highest:
            size.rows = max(size.rows or 0, scan.rows)
    if size.rows is not None and size.rows > row_limit:
        raise _Refused(_too_many_rows(size.rows, rows_allowed))


def measure_workbook(path_or_file, row_limit=None):
    """The WorkbookSize of an .xlsx (a path or a binary file object), from one streaming pass
    over all its parts (``refusal`` says why it is refused, if it is: past the data
    rows, ``row_limit`` or by default IMPORT_MAX_ROWS); None when it is not a zip."""
    if hasattr(path_or_file, "seek"):
        path_or_file.seek(0)
    try:
        archive = zipfile.ZipFile(path_or_file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    size = WorkbookSize()
    try:
        with archive:
            _measure(archive, size, row_limit or max_rows())
    except _Refused as refused:
        size.refusal = refused.reason
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        size.refusal = str(_damaged("?").reason)
    finally:
        if hasattr(path_or_file, "seek"):
            path_or_file.seek(0)
    return size


def check_workbook(path_or_file, row_limit=None):
    """Raises TooLarge when the workbook would expand past IMPORT_MAX_EXPANDED_MB, a part holds
    more than ``row_limit`` (by default IMPORT_MAX_ROWS) data rows (plus the title rows above a
    header), declares XML entities, or is damaged; returns its WorkbookSize (None when it is not
    a zip) otherwise."""
    size = measure_workbook(path_or_file, row_limit)
    if size is not None and size.refusal:
        raise TooLarge(size.refusal)
    return size


# A sheet whose header row is found but with nothing under it (a template sent back empty, a
# sheet of blank rows) is an error of the file, not "created 0".
NO_DATA_ROWS = "sheet không có dòng dữ liệu nào dưới dòng tiêu đề (chỉ có tiêu đề hoặc dòng trống)"
