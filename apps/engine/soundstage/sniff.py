"""Decide what an uploaded file is from its bytes alone.

Filenames and client-supplied content types are attacker-controlled, so they
never decide a binary type: every format is recognised by its magic bytes and,
for containers, a real (but bounded) parse of its structure. The filename is
consulted for exactly one thing, telling Markdown from plain text, because
both are just text and the name cannot make a file more dangerous.

Only bounded reads are done: the first 64 KiB, the last 1 KiB, and small
seeks into container structures. Nothing is decompressed except a handful of
tiny ZIP members whose content identifies the document type.
"""

from __future__ import annotations

import codecs
import os
import pathlib
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO

__all__ = ["CONTENT_TYPES", "Detected", "UnsupportedContent", "UploadCategory", "detect"]


class UploadCategory(StrEnum):
    MANUSCRIPT = "manuscript"
    AUDIO = "audio"
    MIDI = "midi"
    IMAGE = "image"


@dataclass(frozen=True)
class Detected:
    category: UploadCategory
    format: str
    content_type: str


class UnsupportedContent(ValueError):
    """The upload is not a supported file; the message is safe to show users."""


# --- limits -----------------------------------------------------------------

_HEAD_SIZE = 64 * 1024  # prefix read once and shared by every sniffer
_TAIL_SIZE = 1024  # where PDF's %%EOF and JPEG's EOI must appear
_MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024  # zip-bomb guard on declared sizes
_MAX_ZIP_MEMBERS = 10_000  # every member's local header is checked, so bound it
_MAX_ZIP_SMALL_READ = 64 * 1024  # identifying members are tiny; refuse to inflate more
_MAX_MOOV_SIZE = 32 * 1024 * 1024  # moov is parsed in memory
_MAX_CHUNK_WALK = 256  # bound on RIFF chunks / JPEG segments / MP4 boxes visited

_NOT_RECOGNISED = "the file is not a recognised manuscript, audio, MIDI or image file"

# --- canonical results ---------------------------------------------------------

_M = UploadCategory.MANUSCRIPT
_A = UploadCategory.AUDIO
_TXT = Detected(_M, "txt", "text/plain")
_MD = Detected(_M, "md", "text/markdown")
_HTML = Detected(_M, "html", "text/html")
_EPUB = Detected(_M, "epub", "application/epub+zip")
_DOCX = Detected(
    _M,
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
_PDF = Detected(_M, "pdf", "application/pdf")
_WAV = Detected(_A, "wav", "audio/wav")
_MP3 = Detected(_A, "mp3", "audio/mpeg")
_FLAC = Detected(_A, "flac", "audio/flac")
_OGG = Detected(_A, "ogg", "audio/ogg")
_M4A = Detected(_A, "m4a", "audio/mp4")
_MID = Detected(UploadCategory.MIDI, "mid", "audio/midi")
_PNG = Detected(UploadCategory.IMAGE, "png", "image/png")
_JPEG = Detected(UploadCategory.IMAGE, "jpeg", "image/jpeg")
_WEBP = Detected(UploadCategory.IMAGE, "webp", "image/webp")

# Every content type detect() can return (the uploads bucket allows only these).
_ALL = (_TXT, _MD, _HTML, _EPUB, _DOCX, _PDF, _WAV, _MP3, _FLAC, _OGG, _M4A, _MID, _PNG, _JPEG)
CONTENT_TYPES: tuple[str, ...] = tuple(sorted({d.content_type for d in (*_ALL, _WEBP)}))


def _damaged(kind: str) -> UnsupportedContent:
    return UnsupportedContent(f"the file claims to be {kind} but is damaged or truncated")


class _Reader:
    """Random access to the upload with the head already in memory."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh = fh
        self.size = size
        self.head = fh.read(_HEAD_SIZE)

    def read_at(self, offset: int, n: int) -> bytes:
        if offset < 0 or n <= 0 or offset >= self.size:
            return b""
        if offset + n <= len(self.head):
            return self.head[offset : offset + n]
        self.fh.seek(offset)
        return self.fh.read(n)

    def tail(self) -> bytes:
        return self.read_at(max(0, self.size - _TAIL_SIZE), _TAIL_SIZE)


# --- public entry point --------------------------------------------------------


def detect(path: pathlib.Path, filename: str | None = None) -> Detected:
    """Identify the upload at *path* by content.

    *filename* (the client's name for the file) only distinguishes Markdown
    from plain text. Raises :class:`UnsupportedContent` for anything that is
    not a supported, structurally sound file; I/O errors propagate unchanged.
    """
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size  # of the file actually opened
        if size == 0:
            raise UnsupportedContent("the file is empty")
        r = _Reader(fh, size)
        found = _sniff_binary(r)
        if found is not None:
            return found
        return _sniff_text(r, filename)


def _sniff_binary(r: _Reader) -> Detected | None:
    """Dispatch on magic bytes. A strong signature whose body does not parse
    raises rather than falling through to text, so the user hears "damaged
    PNG" instead of a vague "not recognised"."""
    h = r.head
    if h.startswith(b"%PDF-"):
        return _sniff_pdf(r)
    if h.startswith(b"PK\x03\x04"):
        return _sniff_zip(r)
    if h.startswith((b"RIFF", b"RF64")) and h[8:12] == b"WAVE":
        return _sniff_wav(r)
    if h.startswith(b"RIFF") and h[8:12] == b"WEBP":
        return _sniff_webp(h)
    if h.startswith(b"fLaC"):
        return _sniff_flac(r, 0)
    if h.startswith(b"OggS"):
        return _sniff_ogg(h)
    if h.startswith(b"MThd"):
        return _sniff_midi(h)
    if h.startswith(b"\x89PNG\r\n\x1a\n"):
        return _sniff_png(h)
    if h.startswith(b"\xff\xd8\xff"):
        return _sniff_jpeg(r)
    if h[4:8] == b"ftyp":
        return _sniff_mp4(r)
    if h.startswith(b"ID3") and (tagged := _sniff_id3(r)) is not None:
        return tagged
    if _mpeg_frame(h[:4]) is not None and _mp3_frames_at(r, 0):
        return _MP3
    # A bare frame sync is weak evidence (0xFF 0xFx can begin cp1252 text),
    # so a failed check here falls through to the text sniffer.
    return None


# --- documents -----------------------------------------------------------------


def _sniff_pdf(r: _Reader) -> Detected:
    if b"%%EOF" not in r.tail():
        raise _damaged("a PDF")
    return _PDF


def _sniff_zip(r: _Reader) -> Detected:
    r.fh.seek(0)
    try:
        with zipfile.ZipFile(r.fh) as zf:
            return _classify_zip(zf, r.size)
    except UnsupportedContent:
        raise
    # zipfile reports corruption through many types: a mangled header can
    # surface as UnicodeDecodeError (a ValueError) or a failed seek (OSError).
    except (zipfile.BadZipFile, EOFError, zlib.error, struct.error, ValueError, OSError) as exc:
        raise UnsupportedContent("the file claims to be a ZIP but is damaged") from exc
    except NotImplementedError as exc:  # zipfile's signal for unknown compression
        raise UnsupportedContent("the ZIP archive uses an unsupported compression method") from exc


def _classify_zip(zf: zipfile.ZipFile, size: int) -> Detected:
    infos = zf.infolist()
    if len(infos) > _MAX_ZIP_MEMBERS:
        raise UnsupportedContent("the ZIP archive contains too many files")
    if sum(i.file_size for i in infos) > _MAX_ZIP_UNCOMPRESSED:
        limit_mb = _MAX_ZIP_UNCOMPRESSED // (1024 * 1024)
        raise UnsupportedContent(f"the ZIP archive would expand to more than {limit_mb} MB")
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnsupportedContent("the ZIP archive is password-protected")
        if info.header_offset + info.compress_size > size:
            raise zipfile.BadZipFile("member extends past end of file")
        # Opening parses the member's local header and cross-checks its name
        # against the central directory without inflating any data.
        with zf.open(info):
            pass

    names = set(zf.namelist())
    if "mimetype" in names and "META-INF/container.xml" in names:
        if _read_small(zf, "mimetype").strip() == b"application/epub+zip":
            _read_small(zf, "META-INF/container.xml")  # CRC-checks the member
            return _EPUB
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        _read_small(zf, "[Content_Types].xml")
        return _DOCX
    raise UnsupportedContent("the file is a ZIP archive but not an EPUB or DOCX document")


def _read_small(zf: zipfile.ZipFile, name: str) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > _MAX_ZIP_SMALL_READ:
        raise UnsupportedContent(f"the ZIP archive's {name} entry is implausibly large")
    # Reading to the end makes zipfile verify the CRC; the cap bounds a lying
    # declared size.
    with zf.open(info) as member:
        return member.read(_MAX_ZIP_SMALL_READ)


# --- audio -------------------------------------------------------------------


def _sniff_wav(r: _Reader) -> Detected:
    offset = 12
    for _ in range(_MAX_CHUNK_WALK):
        header = r.read_at(offset, 8)
        if len(header) < 8:
            break
        chunk_id = header[:4]
        (chunk_size,) = struct.unpack("<I", header[4:])
        if chunk_id == b"fmt ":
            body = r.read_at(offset + 8, 16)
            if chunk_size < 16 or len(body) < 16:
                break
            fmt_tag, channels, rate = struct.unpack("<HHI", body[:8])
            if fmt_tag != 0 and channels > 0 and rate > 0:
                return _WAV
            break
        # RIFF chunks are word-aligned: odd sizes carry a pad byte.
        offset += 8 + chunk_size + (chunk_size & 1)
    raise _damaged("a WAV file")


def _sniff_webp(h: bytes) -> Detected:
    chunk = h[12:16]
    ok = (
        (chunk == b"VP8 " and h[23:26] == b"\x9d\x01\x2a")  # lossy key-frame start code
        or (chunk == b"VP8L" and h[20:21] == b"\x2f")  # lossless signature byte
        or (chunk == b"VP8X" and h[16:20] == b"\x0a\x00\x00\x00")  # extended header is 10 bytes
    )
    if not ok:
        raise _damaged("a WebP image")
    return _WEBP


def _sniff_flac(r: _Reader, start: int) -> Detected:
    block = r.read_at(start + 4, 4 + 34)
    if len(block) < 38 or block[0] & 0x7F != 0 or block[1:4] != b"\x00\x00\x22":
        raise _damaged("a FLAC file")  # the first metadata block must be STREAMINFO
    min_block, max_block = struct.unpack(">HH", block[4:8])
    sample_rate = int.from_bytes(block[14:17], "big") >> 4
    if min_block < 16 or max_block < min_block or sample_rate == 0:
        raise _damaged("a FLAC file")
    return _FLAC


_OGG_AUDIO_CODECS = (b"\x01vorbis", b"OpusHead", b"\x7fFLAC", b"Speex   ")


def _sniff_ogg(h: bytes) -> Detected:
    if len(h) < 27 or h[4] != 0 or h[5] & ~0x07 or not h[5] & 0x02:
        raise _damaged("an Ogg file")  # version 0, known flags, begins a stream
    packet_start = 27 + h[26]
    if len(h) < packet_start:
        raise _damaged("an Ogg file")
    # Ogg also carries video (Theora); only accept a known audio codec.
    if not h[packet_start:].startswith(_OGG_AUDIO_CODECS):
        raise UnsupportedContent("the Ogg file does not contain a supported audio stream")
    return _OGG


def _sniff_id3(r: _Reader) -> Detected | None:
    h = r.head
    # ID3v2: "ID3", major version 2-4, revision, flags, four syncsafe bytes.
    # Anything else is not a tag at all (text may well start with "ID3").
    if len(h) < 10 or h[3] not in (2, 3, 4) or h[5] & 0x0F or any(b & 0x80 for b in h[6:10]):
        return None
    tag_size = (h[6] << 21) | (h[7] << 14) | (h[8] << 7) | h[9]
    offset = 10 + tag_size + (10 if h[5] & 0x10 else 0)  # optional footer
    # Some taggers leave zero padding outside the declared size.
    probe = r.read_at(offset, 4096)
    skipped = len(probe) - len(probe.lstrip(b"\x00"))
    offset += skipped
    if r.read_at(offset, 4) == b"fLaC":  # ID3-prefixed FLAC exists in the wild
        return _sniff_flac(r, offset)
    if _mp3_frames_at(r, offset):
        return _MP3
    raise UnsupportedContent("the file has an MP3 tag but no valid MP3 audio")


# Bitrates in kbit/s, indexed [mpeg1?][layer][index]; layer 1..3.
_BITRATES: dict[tuple[bool, int], tuple[int, ...]] = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# Indexed by the 2-bit version id: 0 = MPEG 2.5, 1 = reserved, 2 = MPEG 2, 3 = MPEG 1.
_SAMPLE_RATES: dict[int, tuple[int, int, int]] = {
    0: (11025, 12000, 8000),
    2: (22050, 24000, 16000),
    3: (44100, 48000, 32000),
}


@dataclass(frozen=True)
class _Frame:
    length: int
    version: int
    layer: int
    sample_rate: int


def _mpeg_frame(b: bytes) -> _Frame | None:
    """Parse a 4-byte MPEG audio frame header, rejecting every reserved or
    free-format value so random bytes rarely qualify."""
    if len(b) < 4 or b[0] != 0xFF or b[1] & 0xE0 != 0xE0:
        return None
    version = (b[1] >> 3) & 0x3
    layer = 4 - ((b[1] >> 1) & 0x3)  # bits 11/10/01 mean layer I/II/III
    bitrate_idx = b[2] >> 4
    rate_idx = (b[2] >> 2) & 0x3
    if version == 1 or layer == 4 or bitrate_idx in (0, 15) or rate_idx == 3:
        return None
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_idx] * 1000
    sample_rate = _SAMPLE_RATES[version][rate_idx]
    padding = (b[2] >> 1) & 0x1
    if layer == 1:
        length = (12 * bitrate // sample_rate + padding) * 4
    elif layer == 3 and not mpeg1:
        length = 72 * bitrate // sample_rate + padding
    else:
        length = 144 * bitrate // sample_rate + padding
    return _Frame(length, version, layer, sample_rate)


def _mp3_frames_at(r: _Reader, offset: int) -> bool:
    """True if a valid frame at *offset* is followed by a matching one."""
    first = _mpeg_frame(r.read_at(offset, 4))
    if first is None or first.length < 4:
        return False
    second = _mpeg_frame(r.read_at(offset + first.length, 4))
    return (
        second is not None
        and second.version == first.version
        and second.layer == first.layer
        and second.sample_rate == first.sample_rate
    )


_MP4_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"isom", b"mp41"}


def _sniff_mp4(r: _Reader) -> Detected:
    h = r.head
    (ftyp_size,) = struct.unpack(">I", h[:4])
    if ftyp_size < 16 or ftyp_size % 4 or ftyp_size > len(h):
        raise _damaged("an MP4 file")
    major = h[8:12]
    brands = {major} | {h[i : i + 4] for i in range(16, ftyp_size, 4)}
    if not brands & _MP4_BRANDS:
        raise UnsupportedContent("the file is an MPEG-4 family file but not M4A audio")
    # Apple's audio brands are trusted only as the *major* brand: M4V video
    # lists "M4A " among its compatible brands.
    if major in (b"M4A ", b"M4B "):
        return _M4A
    handlers = _mp4_handlers(r)
    if handlers is None:
        raise _damaged("an MP4 file")
    if b"vide" in handlers:
        raise UnsupportedContent("the file is a video; upload audio only")
    if b"soun" not in handlers:
        raise UnsupportedContent("the MP4 file does not contain an audio track")
    return _M4A


def _mp4_handlers(r: _Reader) -> set[bytes] | None:
    """Handler types (b"soun", b"vide", ...) of every track, or None if no
    readable moov box exists. moov may sit after mdat, so top-level boxes
    are walked by seeking rather than reading."""
    offset = 0
    for _ in range(_MAX_CHUNK_WALK):
        header = r.read_at(offset, 16)
        if len(header) < 8:
            return None
        box_size, box_type = struct.unpack(">I4s", header[:8])
        header_len = 8
        if box_size == 1:  # 64-bit size follows the type
            if len(header) < 16:
                return None
            (box_size,) = struct.unpack(">Q", header[8:16])
            header_len = 16
        elif box_size == 0:  # box runs to end of file
            box_size = r.size - offset
        if box_size < header_len:
            return None
        if box_type == b"moov":
            if box_size > _MAX_MOOV_SIZE:
                return None
            moov = r.read_at(offset + header_len, box_size - header_len)
            if len(moov) != box_size - header_len:
                return None
            return _moov_handlers(moov)
        offset += box_size
    return None


def _moov_handlers(moov: bytes) -> set[bytes]:
    handlers: set[bytes] = set()
    for trak_type, trak in _boxes(moov):
        if trak_type != b"trak":
            continue
        for mdia_type, mdia in _boxes(trak):
            if mdia_type != b"mdia":
                continue
            for hdlr_type, hdlr in _boxes(mdia):
                # hdlr: version/flags (4), pre_defined (4), handler_type (4).
                if hdlr_type == b"hdlr" and len(hdlr) >= 12:
                    handlers.add(hdlr[8:12])
    return handlers


def _boxes(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Child boxes of an in-memory box payload; stops at the first bad size."""
    offset = 0
    while offset + 8 <= len(data):
        size, box_type = struct.unpack(">I4s", data[offset : offset + 8])
        header_len = 8
        if size == 1:
            if offset + 16 > len(data):
                return
            (size,) = struct.unpack(">Q", data[offset + 8 : offset + 16])
            header_len = 16
        elif size == 0:
            size = len(data) - offset
        if size < header_len or offset + size > len(data):
            return
        yield box_type, data[offset + header_len : offset + size]
        offset += size


# --- MIDI and images -------------------------------------------------------------


def _sniff_midi(h: bytes) -> Detected:
    if len(h) < 22:
        raise _damaged("a MIDI file")
    length, fmt, tracks, division = struct.unpack(">IHHH", h[4:14])
    if length != 6 or fmt > 2 or tracks == 0 or division == 0 or h[14:18] != b"MTrk":
        raise _damaged("a MIDI file")
    return _MID


_PNG_COLOUR_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}


def _sniff_png(h: bytes) -> Detected:
    ihdr = h[8:33]  # length, "IHDR", 13 data bytes, CRC
    if len(ihdr) < 25 or ihdr[:8] != b"\x00\x00\x00\x0dIHDR":
        raise _damaged("a PNG image")
    width, height, depth, colour = struct.unpack(">IIBB", ihdr[8:18])
    (crc,) = struct.unpack(">I", ihdr[21:25])
    if (
        width == 0
        or height == 0
        or depth not in _PNG_COLOUR_DEPTHS.get(colour, set())
        or zlib.crc32(ihdr[4:21]) != crc
    ):
        raise _damaged("a PNG image")
    return _PNG


# SOFn markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share
# the range but are not frames.
_JPEG_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _sniff_jpeg(r: _Reader) -> Detected:
    """Walk the marker segments up to the first SOF. A file whose headers are
    intact but unusually long is still accepted if it ends with EOI."""
    offset = 2
    for _ in range(_MAX_CHUNK_WALK):
        seg = r.read_at(offset, 10)
        if len(seg) < 2 or seg[0] != 0xFF:
            raise _damaged("a JPEG image")
        marker = seg[1]
        if marker == 0xFF:  # fill byte before a marker
            offset += 1
            continue
        if marker in (0xD8, 0xD9, 0xDA) or 0xD0 <= marker <= 0xD7:
            raise _damaged("a JPEG image")  # scan data or end before any frame header
        if len(seg) < 4:
            raise _damaged("a JPEG image")
        (length,) = struct.unpack(">H", seg[2:4])
        if length < 2:
            raise _damaged("a JPEG image")
        if marker in _JPEG_SOF:
            if len(seg) < 10 or length < 8:
                raise _damaged("a JPEG image")
            width = struct.unpack(">H", seg[7:9])[0]
            components = seg[9]
            # Height may legitimately be 0 (defined later by DNL); width may not.
            if width == 0 or components not in (1, 3, 4):
                raise _damaged("a JPEG image")
            return _JPEG
        offset += 2 + length
    if b"\xff\xd9" in r.tail():
        return _JPEG
    raise _damaged("a JPEG image")


# --- text ----------------------------------------------------------------------

_ATX_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
_ALLOWED_CONTROLS = frozenset("\t\r\n\f")


def _sniff_text(r: _Reader, filename: str | None) -> Detected:
    text = _decode_text(r.head, truncated=r.size > len(r.head))
    if text is None:
        raise UnsupportedContent(_NOT_RECOGNISED)
    if not text:
        raise UnsupportedContent("the file is empty")
    if _looks_like_html(text):
        return _HTML
    if filename is not None and filename.lower().endswith((".md", ".markdown")):
        return _MD
    if _ATX_HEADING.search(text):
        return _MD
    return _TXT


def _decode_text(data: bytes, *, truncated: bool) -> str | None:
    """Decode *data* as text or return None if it is not plausibly text.

    With *truncated* the sample ends mid-file, so a multi-byte character cut
    at the boundary is not an error.
    """
    text: str | None
    if data.startswith(codecs.BOM_UTF8):
        text = _decode(data[len(codecs.BOM_UTF8) :], "utf-8", truncated)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode(data, "utf-16", truncated)  # the codec consumes the BOM
    else:
        text = _decode(data, "utf-8", truncated)
        if text is None and b"\x00" not in data:
            # Legacy 8-bit text. cp1252 leaves five bytes undefined; latin-1
            # decodes anything, so the control-character test below is what
            # keeps binary out.
            text = _decode(data, "cp1252", truncated)
            if text is None:
                text = data.decode("latin-1")
    if text is None or "\x00" in text:
        return None
    controls = sum(
        1 for ch in text if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc"
    )
    if controls * 100 >= len(text) and controls:
        return None
    return text


def _decode(data: bytes, encoding: str, truncated: bool) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(data, final=not truncated)
    except UnicodeDecodeError:
        return None


def _looks_like_html(text: str) -> bool:
    start = text.lstrip(" \t\r\n\f\ufeff")[:14].lower()
    if start.startswith(("<!doctype html", "<html")):
        return True
    window = text[:4096].lower()
    return "<html" in window or "<body" in window
