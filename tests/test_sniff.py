"""Content sniffing for uploads: real files in, verdicts out.

Audio and JPEG/WebP fixtures are produced by the ffmpeg binary bundled with
imageio-ffmpeg so the sniffer is exercised against genuine encoder output
rather than hand-copied magic numbers.
"""

from __future__ import annotations

import dataclasses
import io
import os
import random
import struct
import subprocess
import sys
import wave
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from soundstage import sniff
from soundstage.sniff import Detected, UnsupportedContent, UploadCategory, detect

MAN = UploadCategory.MANUSCRIPT
AUD = UploadCategory.AUDIO
IMG = UploadCategory.IMAGE

TXT = Detected(MAN, "txt", "text/plain")
MD = Detected(MAN, "md", "text/markdown")
HTML = Detected(MAN, "html", "text/html")
EPUB = Detected(MAN, "epub", "application/epub+zip")
DOCX = Detected(
    MAN, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
PDF = Detected(MAN, "pdf", "application/pdf")
WAV = Detected(AUD, "wav", "audio/wav")
MP3 = Detected(AUD, "mp3", "audio/mpeg")
FLAC = Detected(AUD, "flac", "audio/flac")
OGG = Detected(AUD, "ogg", "audio/ogg")
M4A = Detected(AUD, "m4a", "audio/mp4")
MID = Detected(UploadCategory.MIDI, "mid", "audio/midi")
PNG = Detected(IMG, "png", "image/png")
JPEG = Detected(IMG, "jpeg", "image/jpeg")
WEBP = Detected(IMG, "webp", "image/webp")

# tests/uploads/test_sniff.py -> parents[3] is the directory holding the repo.
CORPUS = Path(__file__).resolve().parent / "data" / "corpus" / "little-colonels-hero"


# --- fixture helpers ------------------------------------------------------------


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _reject(path: Path, filename: str | None = None) -> str:
    with pytest.raises(UnsupportedContent) as info:
        detect(path, filename)
    return str(info.value)


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    exe: str = imageio_ffmpeg.get_ffmpeg_exe()
    return exe


@pytest.fixture(scope="session")
def encoders(ffmpeg: str) -> set[str]:
    out = subprocess.run(
        [ffmpeg, "-hide_banner", "-encoders"], capture_output=True, text=True, check=True
    ).stdout
    # Lines look like " A....D libmp3lame  libmp3lame MP3 ..."; flags come first.
    names: set[str] = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 6 and parts[0][0] in "VAS":
            names.add(parts[1])
    return names


def _ffmpeg(ffmpeg: str, out: Path, *args: str) -> Path:
    subprocess.run(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args, str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert out.stat().st_size > 0
    return out


SINE = ("-f", "lavfi", "-i", "sine=frequency=440:duration=1")


def _wav_bytes(frames: int = 4410, rate: int = 44100) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x01" * frames)
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_bytes(width: int = 4, height: int = 3, *, ihdr: bytes | None = None) -> bytes:
    header = ihdr if ihdr is not None else struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows))
        + _png_chunk(b"IEND", b"")
    )


def _midi_bytes(fmt: int = 0, header_len: int = 6) -> bytes:
    events = (
        b"\x00\xff\x51\x03\x07\xa1\x20"  # tempo
        b"\x00\x90\x3c\x40"  # note on, middle C
        b"\x60\x80\x3c\x40"  # note off
        b"\x00\xff\x2f\x00"  # end of track
    )
    header = struct.pack(">IHHH", header_len, fmt, 1, 96) + b"\x00" * (header_len - 6)
    return b"MThd" + header + b"MTrk" + struct.pack(">I", len(events)) + events


def _pdf_bytes() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _epub_bytes(mimetype: bytes = b"application/epub+zip") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        # The EPUB spec wants mimetype first and stored (uncompressed).
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="OEBPS/content.opf" '
            'media-type="application/oebps-package+xml"/></rootfiles></container>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
        z.writestr("OEBPS/content.opf", "<package/>", compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("OEBPS/ch1.xhtml", "<html><body>Hi</body></html>")
    return buf.getvalue()


def _docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/word/document.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
            "/></Types>",
        )
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document><w:body><w:p/></w:body></w:document>")
    return buf.getvalue()


# --- the public API ---------------------------------------------------------------


def test_api_shapes() -> None:
    assert issubclass(UnsupportedContent, ValueError)
    assert isinstance(UploadCategory.AUDIO, str)
    assert str(UploadCategory.AUDIO) == "audio"  # StrEnum: usable directly in JSON/DB
    assert {c.value for c in UploadCategory} == {"manuscript", "audio", "midi", "image"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        TXT.format = "md"  # type: ignore[misc]


def test_empty_file(tmp_path: Path) -> None:
    assert _reject(_write(tmp_path, "empty.txt", b"")) == "the file is empty"


def test_bom_only_file_is_empty(tmp_path: Path) -> None:
    assert _reject(_write(tmp_path, "bom.txt", b"\xef\xbb\xbf")) == "the file is empty"


# --- audio ---------------------------------------------------------------------


def test_wav_from_wave_module(tmp_path: Path) -> None:
    assert detect(_write(tmp_path, "a.wav", _wav_bytes())) == WAV


def test_wav_with_chunk_before_fmt(tmp_path: Path) -> None:
    data = _wav_bytes()
    # Insert an odd-sized LIST chunk (plus pad byte) ahead of "fmt ".
    extra = b"LIST" + struct.pack("<I", 5) + b"INFOx" + b"\x00"
    assert data[12:16] == b"fmt "
    riff = b"WAVE" + extra + data[12:]
    patched = b"RIFF" + struct.pack("<I", len(riff)) + riff
    assert detect(_write(tmp_path, "b.wav", patched)) == WAV


def test_name_never_decides_binary_type(tmp_path: Path) -> None:
    assert detect(_write(tmp_path, "notes.md", _wav_bytes()), "notes.md") == WAV


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"RIFF\x24\x00\x00\x00WAVEfm", "header cut inside the fmt chunk id"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00", "fmt body missing"),
        (b"RIFF\x0c\x00\x00\x00WAVEdata\x04\x00\x00\x00\x00\x00\x00\x00", "no fmt chunk"),
    ],
)
def test_truncated_or_broken_wav(tmp_path: Path, data: bytes, why: str) -> None:
    assert "WAV" in _reject(_write(tmp_path, "t.wav", data)), why


def test_truncated_real_wav_header(tmp_path: Path) -> None:
    assert "WAV" in _reject(_write(tmp_path, "t.wav", _wav_bytes()[:20]))


AUDIO_CASES: list[tuple[str, str, tuple[str, ...], Detected, str]] = [
    ("mp3-id3", "a.mp3", ("-c:a", "libmp3lame"), MP3, "libmp3lame"),
    (
        "mp3-bare",
        "b.mp3",
        ("-c:a", "libmp3lame", "-id3v2_version", "0", "-write_xing", "0"),
        MP3,
        "libmp3lame",
    ),
    ("mp3-mono-22k", "c.mp3", ("-ar", "22050", "-c:a", "libmp3lame"), MP3, "libmp3lame"),
    ("flac", "a.flac", ("-c:a", "flac"), FLAC, "flac"),
    ("ogg-vorbis", "a.ogg", ("-c:a", "libvorbis"), OGG, "libvorbis"),
    ("ogg-opus", "a.opus", ("-c:a", "libopus", "-f", "ogg"), OGG, "libopus"),
    ("m4a-ipod", "a.m4a", ("-c:a", "aac", "-f", "ipod"), M4A, "aac"),
    ("mp4-audio-moov-at-end", "a.mp4", ("-c:a", "aac", "-f", "mp4"), M4A, "aac"),
    (
        "mp4-audio-faststart",
        "b.mp4",
        ("-c:a", "aac", "-f", "mp4", "-movflags", "+faststart"),
        M4A,
        "aac",
    ),
]


@pytest.mark.parametrize(
    ("name", "args", "expected", "encoder"),
    [c[1:] for c in AUDIO_CASES],
    ids=[c[0] for c in AUDIO_CASES],
)
def test_ffmpeg_audio(
    tmp_path: Path,
    ffmpeg: str,
    encoders: set[str],
    name: str,
    args: tuple[str, ...],
    expected: Detected,
    encoder: str,
) -> None:
    if encoder not in encoders:
        pytest.skip(f"this ffmpeg build has no {encoder} encoder")
    path = _ffmpeg(ffmpeg, tmp_path / name, *SINE, *args)
    assert detect(path) == expected
    # The client's name must not matter either way.
    assert detect(path, "chapter.txt") == expected


def test_bare_mp3_really_starts_with_frame_sync(
    tmp_path: Path, ffmpeg: str, encoders: set[str]
) -> None:
    if "libmp3lame" not in encoders:
        pytest.skip("this ffmpeg build has no libmp3lame encoder")
    path = _ffmpeg(ffmpeg, tmp_path / "x.mp3", *SINE, "-c:a", "libmp3lame", "-id3v2_version", "0")
    head = path.read_bytes()[:2]
    assert head[0] == 0xFF and head[1] & 0xE0 == 0xE0  # exercises the no-ID3 path
    assert detect(path) == MP3


def test_id3_prefixed_flac(tmp_path: Path, ffmpeg: str) -> None:
    flac = _ffmpeg(ffmpeg, tmp_path / "a.flac", *SINE, "-c:a", "flac").read_bytes()
    tag = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10  # 10-byte padding-only tag
    assert detect(_write(tmp_path, "b.flac", tag + flac)) == FLAC


def test_mp3_single_frame_header_then_garbage(tmp_path: Path) -> None:
    # A valid MPEG-1 Layer III header (128 kbit/s, 44.1 kHz) with no second frame.
    data = b"\xff\xfb\x90\x64" + random.Random(7).randbytes(4096)
    _reject(_write(tmp_path, "fake.mp3", data))


def test_id3_tag_without_audio(tmp_path: Path) -> None:
    data = b"ID3\x04\x00\x00\x00\x00\x00\x05" + b"TIT2x" + random.Random(3).randbytes(2000)
    assert "no valid MP3 audio" in _reject(_write(tmp_path, "tag.mp3", data))


def test_mp4_video_is_rejected(tmp_path: Path, ffmpeg: str, encoders: set[str]) -> None:
    if "mpeg4" not in encoders:
        pytest.skip("this ffmpeg build has no mpeg4 video encoder")
    path = _ffmpeg(
        ffmpeg,
        tmp_path / "v.mp4",
        "-f",
        "lavfi",
        "-i",
        "color=c=red:s=32x32:d=1",
        *SINE,
        "-c:v",
        "mpeg4",
        "-c:a",
        "aac",
        "-shortest",
        "-f",
        "mp4",
    )
    assert "video" in _reject(path, "song.m4a")


def test_mp4_unknown_brand_is_rejected(tmp_path: Path) -> None:
    # HEIC-style ftyp: an ISO BMFF file that is not audio.
    data = struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic" + b"\x00" * 64
    _reject(_write(tmp_path, "x.m4a", data))


def test_mp4_without_moov_and_generic_brand(tmp_path: Path) -> None:
    data = struct.pack(">I", 20) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isom"
    data += struct.pack(">I", 16) + b"free" + b"\x00" * 8
    assert "MP4" in _reject(_write(tmp_path, "x.m4a", data))


def test_flac_magic_with_garbage(tmp_path: Path) -> None:
    assert "FLAC" in _reject(_write(tmp_path, "x.flac", b"fLaC" + b"\x7f" * 64))


def test_ogg_wrong_version(tmp_path: Path) -> None:
    page = b"OggS\x01\x02" + b"\x00" * 20 + b"\x01\x1e" + b"\x01vorbis" + b"\x00" * 23
    assert "Ogg" in _reject(_write(tmp_path, "x.ogg", page))


def test_ogg_video_is_rejected(tmp_path: Path) -> None:
    page = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x2a" + b"\x80theora" + b"\x00" * 35
    assert "audio" in _reject(_write(tmp_path, "x.ogg", page))


# --- MIDI ------------------------------------------------------------------------


def test_midi_by_hand(tmp_path: Path) -> None:
    assert detect(_write(tmp_path, "a.mid", _midi_bytes())) == MID


@pytest.mark.parametrize(
    "data",
    [_midi_bytes(header_len=7), _midi_bytes(fmt=3), _midi_bytes()[:14], b"MThd\x00\x00"],
    ids=["header-length-7", "format-3", "no-track", "truncated"],
)
def test_broken_midi(tmp_path: Path, data: bytes) -> None:
    assert "MIDI" in _reject(_write(tmp_path, "x.mid", data))


# --- images ----------------------------------------------------------------------


def test_png_by_hand(tmp_path: Path) -> None:
    assert detect(_write(tmp_path, "a.png", _png_bytes())) == PNG


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(500),
        _png_bytes(ihdr=struct.pack(">IIBBBBB", 0, 3, 8, 2, 0, 0, 0)),
        _png_bytes(ihdr=struct.pack(">IIBBBBB", 4, 3, 7, 2, 0, 0, 0)),
        _png_bytes()[:20],
        _png_bytes()[:29] + b"\x00\x00\x00\x00" + _png_bytes()[33:],
    ],
    ids=["signature-then-garbage", "zero-width", "bad-bit-depth", "truncated", "bad-crc"],
)
def test_broken_png(tmp_path: Path, data: bytes) -> None:
    assert "PNG" in _reject(_write(tmp_path, "x.png", data))


def test_jpeg_from_ffmpeg(tmp_path: Path, ffmpeg: str) -> None:
    path = _ffmpeg(
        ffmpeg, tmp_path / "a.jpg", "-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1"
    )
    assert detect(path) == JPEG
    # Headers intact but the scan cut short: still identifiable as JPEG.
    cut = path.read_bytes()[:-6]  # a 16x16 scan is only a dozen bytes
    assert detect(_write(tmp_path, "cut.jpg", cut)) == JPEG
    # Cut inside the headers, before the frame header: damaged.
    assert "JPEG" in _reject(_write(tmp_path, "stub.jpg", path.read_bytes()[:30]))


def test_jpeg_magic_with_garbage(tmp_path: Path) -> None:
    assert "JPEG" in _reject(_write(tmp_path, "x.jpg", b"\xff\xd8\xff" + b"\x00" * 100))


@pytest.mark.parametrize(
    ("args", "chunk"),
    [
        (("-f", "lavfi", "-i", "color=c=red:s=16x16"), b"VP8 "),
        (("-f", "lavfi", "-i", "color=c=red:s=16x16", "-lossless", "1"), b"VP8L"),
        (
            ("-f", "lavfi", "-i", "color=c=red@0.5:s=16x16,format=yuva420p"),
            b"VP8X",
        ),
    ],
    ids=["lossy", "lossless", "alpha-extended"],
)
def test_webp_from_ffmpeg(
    tmp_path: Path, ffmpeg: str, encoders: set[str], args: tuple[str, ...], chunk: bytes
) -> None:
    if "libwebp" not in encoders:
        pytest.skip("this ffmpeg build has no libwebp encoder")
    path = _ffmpeg(ffmpeg, tmp_path / "a.webp", *args, "-c:v", "libwebp", "-frames:v", "1")
    data = path.read_bytes()
    if data[12:16] != chunk:
        pytest.skip(f"this libwebp wrote a {data[12:16]!r} chunk rather than {chunk!r}")
    assert detect(path) == WEBP


def test_webp_with_unknown_chunk(tmp_path: Path) -> None:
    data = b"RIFF\x20\x00\x00\x00WEBPJUNK\x10\x00\x00\x00" + b"\x00" * 16
    assert "WebP" in _reject(_write(tmp_path, "x.webp", data))


# --- documents -------------------------------------------------------------------


def test_pdf_by_hand(tmp_path: Path) -> None:
    assert detect(_write(tmp_path, "a.pdf", _pdf_bytes())) == PDF


def test_pdf_without_eof_marker(tmp_path: Path) -> None:
    data = _pdf_bytes().replace(b"%%EOF", b"") + b"x" * 2000
    assert "PDF" in _reject(_write(tmp_path, "a.pdf", data))


def test_pdf_eof_marker_too_far_from_end(tmp_path: Path) -> None:
    data = _pdf_bytes() + b"\x00" * 2048
    assert "PDF" in _reject(_write(tmp_path, "a.pdf", data))


def test_epub(tmp_path: Path) -> None:
    assert detect(_write(tmp_path, "book.epub", _epub_bytes())) == EPUB


def test_docx(tmp_path: Path) -> None:
    assert detect(_write(tmp_path, "book.docx", _docx_bytes())) == DOCX


def test_docx_named_epub_is_still_docx(tmp_path: Path) -> None:
    assert detect(_write(tmp_path, "book.epub", _docx_bytes()), "book.epub") == DOCX


def test_epub_with_wrong_mimetype(tmp_path: Path) -> None:
    data = _epub_bytes(mimetype=b"application/zip")
    assert "not an EPUB or DOCX" in _reject(_write(tmp_path, "x.epub", data))


def test_plain_zip_is_rejected(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hello")
    assert "not an EPUB or DOCX" in _reject(_write(tmp_path, "x.docx", buf.getvalue()))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: d[: len(d) // 2],
        lambda d: d[:-10],
        # Corrupt the central directory signature.
        lambda d: d.replace(b"PK\x01\x02", b"PK\x09\x09", 1),
        # Corrupt the stored mimetype payload so its CRC no longer matches.
        lambda d: d.replace(b"application/epub+zip", b"application/epub+zap", 1),
        # Point the first member's local header at garbage.
        lambda d: b"PK\x03\x04" + b"\xff" * 26 + d[30:],
    ],
    ids=["half", "missing-end-record", "bad-central-dir", "crc-mismatch", "bad-local-header"],
)
def test_damaged_zip(tmp_path: Path, mangle: Callable[[bytes], bytes]) -> None:
    data = mangle(_epub_bytes())
    assert "damaged" in _reject(_write(tmp_path, "x.epub", data))


def test_zip_bomb_guard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Lower the limit rather than write 200 MB; the check is on declared sizes.
    monkeypatch.setattr(sniff, "_MAX_ZIP_UNCOMPRESSED", 1000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "\x00" * 5000)
    assert "would expand" in _reject(_write(tmp_path, "bomb.docx", buf.getvalue()))


def test_zip_bomb_guard_default_limit(tmp_path: Path) -> None:
    # Declare a 300 MB member by patching the sizes in both headers: the
    # sniffer must refuse on the declaration without inflating anything.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    data = bytearray(buf.getvalue())
    cd = data.rfind(b"PK\x01\x02")  # central entry of the last member
    struct.pack_into("<I", data, cd + 24, 300 * 1024 * 1024)
    assert "200 MB" in _reject(_write(tmp_path, "bomb.docx", bytes(data)))


# --- text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"Chapter One\n\nIt was a dark night.\n", None, TXT),
        ("Caf\u00e9 cr\u00e8me \u2014 \u201cquoted\u201d\n".encode(), None, TXT),
        (b"\xef\xbb\xbfWith a UTF-8 BOM\r\n", None, TXT),
        ("UTF-16 text \u00e9\n".encode("utf-16"), None, TXT),
        (b"\xfe\xff" + "big-endian UTF-16\n".encode("utf-16-be"), None, TXT),
        ("\u201cSmart quotes\u201d \u2013 cp1252\r\n".encode("cp1252"), None, TXT),
        # 0x81 is undefined in cp1252, forcing the latin-1 fallback.
        (b"Latin-1 only byte \x81 here and caf\xe9.\r\n" + b"Plain prose. " * 20, None, TXT),
        (b"Tabs\tand\fform feeds\r\n", None, TXT),
        (b"plain words", "notes.mp3", TXT),
        (b"ID3 tags hold song titles.\n", "id3.mp3", TXT),
        (b"# Chapter 1\n\nText.\n", None, MD),
        (b"Intro\n\n## Part two\n", None, MD),
        (b"no heading here", "draft.md", MD),
        (b"no heading here", "DRAFT.Markdown", MD),
        (b"#hashtag is not a heading\n", None, TXT),
        (b"<!DOCTYPE html><html><body>x</body></html>", None, HTML),
        (b"\xef\xbb\xbf  \n<HTML><BODY>x</BODY></HTML>", None, HTML),
        (b"<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'/>", None, HTML),
        (b"<div>fragment</div>\n<body>late body</body>", "page.md", HTML),
    ],
)
def test_text(tmp_path: Path, data: bytes, filename: str | None, expected: Detected) -> None:
    assert detect(_write(tmp_path, "upload", data), filename) == expected


def test_text_renamed_mp3_is_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "song.mp3", b"This is not a song, just a story.\n" * 50)
    assert detect(path, "song.mp3") == TXT


def test_long_utf8_with_char_split_at_sample_boundary(tmp_path: Path) -> None:
    # 65535 ASCII bytes then a 3-byte character: the 64 KiB sample cuts it.
    data = b"a" * 65535 + "\u2014".encode() + b" and more\n" * 10
    assert detect(_write(tmp_path, "long.txt", data)) == TXT


def test_html_marker_beyond_4k_is_not_html(tmp_path: Path) -> None:
    data = b"plain prose " * 400 + b"<body>"
    assert detect(_write(tmp_path, "x.txt", data)) == TXT


@pytest.mark.parametrize(
    "data",
    [
        b"text with a NUL \x00 inside",
        b"escape\x1b[31mcodes\x1b[0m everywhere\x07\x07" * 3,
        b"\x01\x02\x03\x04\x05\x06\x07\x08",
        "UTF-16 without BOM".encode("utf-16-le"),
    ],
    ids=["nul", "control-heavy", "all-controls", "utf16-no-bom"],
)
def test_binaryish_text_is_rejected(tmp_path: Path, data: bytes) -> None:
    assert "not a recognised" in _reject(_write(tmp_path, "x.txt", data))


@pytest.mark.parametrize("size", [64, 1000, 4096, 65536, 300_000])
def test_random_bytes_are_rejected(tmp_path: Path, size: int) -> None:
    data = random.Random(size).randbytes(size)
    _reject(_write(tmp_path, "x.txt", data), "x.md")


def test_urandom_is_rejected(tmp_path: Path) -> None:
    _reject(_write(tmp_path, "x.bin", os.urandom(70_000)))


def test_executable_is_rejected() -> None:
    _reject(Path(sys.executable).resolve(), "book.txt")


# --- the corpus (tests/data) -------------------------------------------------------------


def _corpus(relative: str) -> Path:
    return CORPUS / relative


def test_corpus_latin1_crlf_text() -> None:
    assert detect(_corpus("15122-8.txt"), "15122-8.txt") == TXT


def test_corpus_html() -> None:
    assert detect(_corpus("15122-h/15122-h.htm")) == HTML


def test_corpus_cover_png() -> None:
    assert detect(_corpus("cover.png"), "cover.jpg") == PNG


@pytest.mark.parametrize(
    "name", ["dovesong.midi", "fairychorus.midi", "spinningwheel.midi", "spinwheel.midi"]
)
def test_corpus_midi(name: str) -> None:
    assert detect(_corpus(f"15122-h/music/{name}")) == MID
