"""Opening a boundary file with GDAL on the file's terms as little as possible, and the
checks a feature's geometry must pass to become a unit's boundary.

GDAL picks its driver from a file's content, not its name: an OGR VRT uploaded as
`.geojson` reads any file the server can reach (`<SrcDataSource>`) or any URL
(`/vsicurl/`), and GeoJSON's legacy `crs` of type "link" makes GDAL fetch a URL while it
opens the file. So a boundary file is opened only when:

- its path is a plain file on the server, never a GDAL virtual file system or a URL;
- its first bytes are the format its extension names (GeoJSON, zip, GeoPackage);
- a zip gives only the members of one Shapefile, whose .shp and .shx are Shapefiles,
  written under their own names into a directory of ours;
- a GeoPackage holds only plain tables, indexes, triggers and GDAL's R-tree index;

and GDAL then opens it with that one driver, with every HTTP request it would make
refused (a file that asks for one is refused).
"""

from __future__ import annotations

import ctypes
import logging
import math
import re
import sqlite3
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager, nullcontext
from pathlib import Path, PurePosixPath
from typing import Any

from django.contrib.gis.gdal import DataSource, GDALException, OGRGeometry
from django.contrib.gis.gdal.driver import Driver
from django.contrib.gis.gdal.libgdal import lgdal
from django.contrib.gis.gdal.prototypes import ds as capi
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.utils.translation import gettext as _

from langso.core.errors import DomainError

logger = logging.getLogger(__name__)

GEOJSON, SHAPEFILE, GEOPACKAGE = "GeoJSON", "ESRI Shapefile", "GPKG"
# The extensions the import takes, and the one GDAL driver each is opened with.
_DRIVER_BY_EXTENSION = {
    ".geojson": GEOJSON,
    ".json": GEOJSON,
    ".zip": SHAPEFILE,
    ".gpkg": GEOPACKAGE,
}
BOUNDARY_EXTENSIONS = tuple(_DRIVER_BY_EXTENSION)

# An unzipped Shapefile larger than this is not a province's boundaries.
_MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# The file code that opens both the .shp and the .shx (ESRI Shapefile Technical
# Description, 1998): 9994 as a big-endian integer.
_SHAPEFILE_MAGIC = b"\x00\x00\x27\x0a"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_SQLITE_MAGIC = b"SQLite format 3\x00"
# GeoPackage 1.2+ writes "GPKG" as the SQLite application_id (header bytes 68–71);
# 1.0 and 1.1 wrote "GP10" and "GP11".
_GEOPACKAGE_IDS = (b"GPKG", b"GP10", b"GP11")
_VIRTUAL_TABLE = re.compile(r"\s*CREATE\s+VIRTUAL\s+TABLE\s.*?\bUSING\s+(\w+)", re.I | re.S)


def _kind_of(head: bytes) -> str:
    """What a file's first bytes say it is: a key of `_KIND_LABELS`."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if text.startswith(b"{"):
        return "geojson"
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_SQLITE_MAGIC):
        return "gpkg" if head[68:72] in _GEOPACKAGE_IDS else "sqlite"
    if text.startswith(b"<"):
        return "xml"
    return "unknown"


def _kind_label(kind: str) -> str:
    return {
        "geojson": "GeoJSON",
        "zip": _("Shapefile nén .zip"),
        "gpkg": "GeoPackage",
        "sqlite": _("cơ sở dữ liệu SQLite"),
        "xml": _("XML (ví dụ tệp VRT)"),
    }.get(kind, _("định dạng không nhận ra"))


_KIND_BY_DRIVER = {GEOJSON: "geojson", SHAPEFILE: "zip", GEOPACKAGE: "gpkg"}


def _plain_file(path: str | Path) -> Path:
    """The absolute path of a plain file; GDAL's virtual file systems (/vsicurl/,
    /vsizip/, …) and URLs are refused before GDAL sees them."""
    text = str(path)
    if text.lower().startswith("/vsi") or "://" in text or "\x00" in text:
        raise DomainError(_("Đường dẫn không phải một tệp trên máy chủ."))
    resolved = Path(text).resolve()
    if str(resolved).lower().startswith("/vsi") or not resolved.is_file():
        raise DomainError(_("Đường dẫn không phải một tệp trên máy chủ."))
    return resolved


def boundary_file_check(*, name: str, head: bytes) -> str:
    """The GDAL driver for a file of this name whose first 100 bytes are `head`; refused
    when the extension is not one the import takes or the bytes are not the format it
    names. Uploads are checked with it at once, and the import again before opening."""
    extension = PurePosixPath(name).suffix.lower()
    driver = _DRIVER_BY_EXTENSION.get(extension)
    if driver is None:
        raise DomainError(_("Chỉ nhận tệp .geojson, .json, .zip (Shapefile) hoặc .gpkg."))
    kind, expected = _kind_of(head), _KIND_BY_DRIVER[driver]
    if kind != expected:
        raise DomainError(
            _(
                "Không đọc được tệp: đuôi %(extension)s nhưng nội dung không phải "
                "%(expected)s (nội dung là %(kind)s)."
            )
            % {
                "extension": extension,
                "expected": _kind_label(expected),
                "kind": _kind_label(kind),
            }
        )
    return driver


def _check_geopackage(path: Path) -> None:
    """Refuse a GeoPackage holding anything but plain tables (views, virtual tables other
    than the R-tree spatial index), whatever GDAL would do with them."""
    uri = f"{path.as_uri()}?mode=ro&immutable=1"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as db:
            rows = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError as exc:
        raise DomainError(_("Không đọc được tệp GeoPackage.")) from exc
    for kind, name, sql in rows:
        if kind == "view":
            raise DomainError(
                _(
                    "GeoPackage có khung nhìn “%(name)s”; chỉ nhận ranh giới trong bảng "
                    "dữ liệu thường."
                )
                % {"name": name}
            )
        virtual = _VIRTUAL_TABLE.match(sql or "") if kind == "table" else None
        if kind not in ("table", "index", "trigger") or (
            virtual and virtual.group(1).lower() != "rtree"
        ):
            raise DomainError(
                _("GeoPackage có bảng ảo “%(name)s”; chỉ nhận ranh giới trong bảng dữ liệu thường.")
                % {"name": name}
            )


def _unsafe_member_name(name: str) -> bool:
    """A name that could be written outside the directory it is extracted to."""
    return (
        name.startswith("/")
        or "\\" in name
        or ":" in name
        or ".." in name.split("/")
        or any(ord(character) < 32 or ord(character) == 127 for character in name)
    )


def _shapefile_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The members of the one Shapefile in the archive. Every member's name is checked;
    other files (metadata, readme, spatial indexes, a VRT) are never extracted."""
    members = []
    for number, member in enumerate(archive.infolist(), start=1):
        if _unsafe_member_name(member.filename):
            raise DomainError(
                _("Tệp nén chứa tên tệp không an toàn (tệp thứ %(number)s trong tệp nén).")
                % {"number": number}
            )
        name = PurePosixPath(member.filename)
        hidden = "__MACOSX" in name.parts or name.name.startswith(".")
        if not (member.is_dir() or hidden) and name.suffix.lower() in _SHAPEFILE_PARTS:
            members.append(member)
    shapefiles = [m for m in members if m.filename.lower().endswith(".shp")]
    if len(shapefiles) != 1:
        raise DomainError(
            _("Tệp .zip phải chứa đúng một Shapefile (.shp); tệp này có %(count)s.")
            % {"count": len(shapefiles)}
        )
    stem = PurePosixPath(shapefiles[0].filename).with_suffix("")
    parts = [m for m in members if PurePosixPath(m.filename).with_suffix("") == stem]
    present = {PurePosixPath(m.filename).suffix.lower() for m in parts}
    missing = [ext for ext in (".shx", ".dbf", ".prj") if ext not in present]
    if missing:
        raise DomainError(_("Shapefile thiếu tệp: %(missing)s.") % {"missing": ", ".join(missing)})
    return parts


@contextmanager
def _unzipped_shapefile(path: Path) -> Iterator[Path]:
    """The .shp of the Shapefile in a zip, written with its parts into a directory of
    ours, never counting on the sizes the archive declares."""
    with tempfile.TemporaryDirectory(prefix="langso-boundaries-") as tmp:
        budget = _MAX_UNZIPPED_BYTES
        try:
            with zipfile.ZipFile(path) as archive:
                for member in _shapefile_members(archive):
                    target = Path(tmp) / PurePosixPath(member.filename).name
                    with archive.open(member) as source, target.open("wb") as out:
                        while chunk := source.read(1024 * 1024):
                            budget -= len(chunk)
                            if budget < 0:
                                raise DomainError(_("Tệp nén quá lớn khi giải nén."))
                            out.write(chunk)
        # What zipfile raises for a damaged or unreadable archive: a bad header or CRC,
        # a broken deflate stream, a compression method it lacks (NotImplementedError),
        # an encrypted member (RuntimeError), a truncated file (EOFError).
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as exc:
            raise DomainError(_("Không đọc được tệp .zip.")) from exc
        [shp] = [p for p in Path(tmp).iterdir() if p.suffix.lower() == ".shp"]
        [shx] = [p for p in Path(tmp).iterdir() if p.suffix.lower() == ".shx"]
        for part in (shp, shx):
            with part.open("rb") as file:
                if file.read(4) != _SHAPEFILE_MAGIC:
                    raise DomainError(
                        _("Tệp %(name)s trong tệp nén không phải Shapefile.") % {"name": part.name}
                    )
        yield shp


# ---------------------------------------------------------------------------------------
# GDAL without the network. CPLHTTPPushFetchCallback (GDAL 3.2) replaces, in the calling
# thread only, whatever GDAL would fetch over HTTP; the callback answers every request
# with a failure, as a `CPLHTTPResult` GDAL can free. /vsicurl/ does not go through it,
# and is refused by `CPL_VSIL_CURL_ALLOWED_EXTENSIONS` naming no real extension.


class _HTTPResult(ctypes.Structure):
    _fields_ = (
        ("nStatus", ctypes.c_int),
        ("pszContentType", ctypes.c_void_p),
        ("pszErrBuf", ctypes.c_void_p),
        ("nDataLen", ctypes.c_int),
        ("nDataAlloc", ctypes.c_int),
        ("pabyData", ctypes.c_void_p),
        ("papszHeaders", ctypes.c_void_p),
        ("nMimePartCount", ctypes.c_int),
        ("pasMimePart", ctypes.c_void_p),
    )


_FETCH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_void_p,  # CPLHTTPResult*
    ctypes.c_char_p,  # URL
    *(ctypes.c_void_p,) * 6,  # options, progress, its argument, writer, its argument, ours
)


def _gdal_function(name: str, restype: Any, *argtypes: Any) -> Any:
    # lgdal[...] is a new function object: Django's own prototypes stay untouched.
    function = lgdal[name]
    function.restype = restype
    function.argtypes = argtypes
    return function


_push_fetch = _gdal_function(
    "CPLHTTPPushFetchCallback", ctypes.c_int, _FETCH_CALLBACK, ctypes.c_void_p
)
_pop_fetch = _gdal_function("CPLHTTPPopFetchCallback", ctypes.c_int)
_calloc = _gdal_function("VSICalloc", ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t)
_strdup = _gdal_function("CPLStrdup", ctypes.c_void_p, ctypes.c_char_p)
_get_option = _gdal_function(
    "CPLGetThreadLocalConfigOption", ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p
)
_set_option = _gdal_function(
    "CPLSetThreadLocalConfigOption", None, ctypes.c_char_p, ctypes.c_char_p
)

_OFFLINE_OPTIONS = {
    # No extension ends like this: /vsicurl/ refuses every URL.
    b"CPL_VSIL_CURL_ALLOWED_EXTENSIONS": b".langso-offline",
    # Do not list the directory of the file to find companions.
    b"GDAL_DISABLE_READDIR_ON_OPEN": b"EMPTY_DIR",
}


@contextmanager
def _offline() -> Iterator[list[str]]:
    """GDAL in this thread makes no HTTP request; yields the URLs it asked for."""
    asked: list[str] = []

    def refuse(url: bytes | None, *_args: object) -> int | None:
        asked.append((url or b"").decode("utf-8", "replace"))
        result = _calloc(1, ctypes.sizeof(_HTTPResult))
        if result:
            answer = _HTTPResult.from_address(result)
            answer.nStatus = 1
            answer.pszErrBuf = _strdup(b"HTTP refused while reading a boundary file")
        return result  # type: ignore[no-any-return]  # ctypes gives an untyped address

    callback = _FETCH_CALLBACK(refuse)
    previous = {key: _get_option(key, None) for key in _OFFLINE_OPTIONS}
    if not _push_fetch(callback, None):
        raise DomainError(_("Máy chủ không chặn được truy cập mạng của GDAL; không mở tệp."))
    try:
        for key, value in _OFFLINE_OPTIONS.items():
            _set_option(key, value)
        yield asked
    finally:
        for key, value in previous.items():
            _set_option(key, value)
        _pop_fetch()
        if asked:
            logger.warning("boundary file asked GDAL for %s; refused", ", ".join(asked))


def _open(path: Path, driver: str) -> DataSource:
    """The data source GDAL opens at `path` with `driver` and no other."""
    Driver.ensure_registered()
    allowed = (ctypes.c_char_p * 2)(driver.encode(), None)
    try:
        pointer = capi.open_ds(
            str(path).encode(), capi.GDAL_OF_READONLY | capi.GDAL_OF_VECTOR, allowed, None, None
        )
    except GDALException as exc:
        raise DomainError(
            _("Không đọc được tệp ranh giới (GeoJSON, Shapefile nén .zip, GeoPackage).")
        ) from exc
    return DataSource(pointer, ds_driver=capi.get_dataset_driver(pointer))


@contextmanager
def boundary_source(path: str | Path) -> Iterator[DataSource]:
    """The GDAL data source of a boundary file, opened as its extension says and only so,
    and read inside the `with` without the network. Anything else is a `DomainError`."""
    plain = _plain_file(path)
    with plain.open("rb") as file:
        driver = boundary_file_check(name=plain.name, head=file.read(100))
    if driver == GEOPACKAGE:
        _check_geopackage(plain)
    with (
        _offline() as asked,
        _unzipped_shapefile(plain) if driver == SHAPEFILE else nullcontext(plain) as vector,
    ):
        source = _open(vector, driver)
        _refuse_if_asked(asked)
        yield source
        _refuse_if_asked(asked)


def _refuse_if_asked(asked: list[str]) -> None:
    if asked:
        raise DomainError(
            _(
                "Tệp đòi tải thêm dữ liệu từ mạng (ví dụ hệ toạ độ ghi bằng liên kết); "
                "ranh giới phải nằm trọn trong tệp."
            )
        )


# ---------------------------------------------------------------------------------------
# Geometries.


def _rings(wkb: bytes) -> Iterator[tuple[int, int, tuple[float, ...]]]:
    """(polygon, ring, flat x y coordinates) of a 2D Polygon or MultiPolygon WKB, both
    counted from 1."""
    order = "<" if wkb[0] == 1 else ">"
    (kind,) = struct.unpack_from(f"{order}I", wkb, 1)
    if kind == 3:
        polygons, offset = 1, 0
    else:
        (polygons,) = struct.unpack_from(f"{order}I", wkb, 5)
        offset = 9
    for polygon in range(1, polygons + 1):
        order = "<" if wkb[offset] == 1 else ">"
        (rings,) = struct.unpack_from(f"{order}I", wkb, offset + 5)
        offset += 9
        for ring in range(1, rings + 1):
            (points,) = struct.unpack_from(f"{order}I", wkb, offset)
            coordinates = struct.unpack_from(f"{order}{2 * points}d", wkb, offset + 4)
            offset += 4 + 16 * points
            yield polygon, ring, coordinates


def _ring_name(polygon: int, ring: int, *, multi: bool) -> str:
    name = _("Vòng ngoài") if ring == 1 else _("Vòng trong %(n)s") % {"n": ring - 1}
    return _("%(ring)s của phần %(part)s") % {"ring": name, "part": polygon} if multi else name


def _ring_problem(wkb: bytes) -> str | None:
    """Why a polygon's rings cannot make a boundary: a coordinate that is not a finite
    number, an unclosed ring, or too few vertices. GEOS raises on the last two without
    saying where, and NaN is never equal to itself, so a NaN first vertex leaves a ring
    unclosed for GEOS too."""
    multi = struct.unpack_from("<I" if wkb[0] == 1 else ">I", wkb, 1)[0] == 6
    for polygon, ring, xy in _rings(wkb):
        if not all(map(math.isfinite, xy)):
            vertex = next(i for i, value in enumerate(xy) if not math.isfinite(value)) // 2 + 1
            return _("%(where)s có toạ độ không phải số (NaN hoặc vô cực) ở đỉnh %(n)s.") % {
                "where": _ring_name(polygon, ring, multi=multi),
                "n": vertex,
            }
        if len(xy) >= 4 and xy[:2] != xy[-2:]:
            return _("%(where)s chưa khép kín: đỉnh cuối (%(last)s) khác đỉnh đầu (%(first)s).") % {
                "where": _ring_name(polygon, ring, multi=multi),
                "first": f"{xy[0]:g} {xy[1]:g}",
                "last": f"{xy[-2]:g} {xy[-1]:g}",
            }
        if len(xy) < 8:
            return _(
                "%(where)s chỉ có %(count)s đỉnh; một vòng cần ít nhất 4 đỉnh, đỉnh cuối "
                "trùng đỉnh đầu."
            ) % {"where": _ring_name(polygon, ring, multi=multi), "count": len(xy) // 2}
    return None


def boundary_geometry(geom: OGRGeometry) -> tuple[MultiPolygon | None, str | None]:
    """A feature's geometry in EPSG:4326 as a valid MultiPolygon, or why it cannot be."""
    if geom.is_3d:
        geom.set_3d(False)
    if geom.is_measured:
        geom.set_measured(False)
    if geom.has_curve:
        # Arcs (CurvePolygon, MultiSurface) become vertices GEOS can read, as GDAL
        # draws them by default (every 4 degrees of arc).
        geom = geom.get_linear_geometry()
    if geom.geom_name not in ("POLYGON", "MULTIPOLYGON"):
        return None, _("Hình học phải là vùng (Polygon/MultiPolygon), không phải %(type)s.") % {
            "type": geom.geom_type.name
        }
    if geom.empty:
        return None, _("Hình học rỗng.")
    problem = _ring_problem(bytes(geom.wkb))
    if problem:
        return None, problem
    try:
        geom.transform(4326)
    except GDALException as exc:
        return None, _("Không đổi được hình học sang EPSG:4326: %(error)s") % {"error": exc}
    try:
        shape = GEOSGeometry(geom.wkb, srid=4326)
        xmin, ymin, xmax, ymax = shape.extent
        valid, reason = shape.valid, shape.valid_reason
    except (GEOSException, ValueError):
        return None, _("Không đọc được hình học.")
    if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        return None, _(
            "Toạ độ (%(extent)s) không phải kinh độ, vĩ độ: hệ toạ độ khai báo trong tệp có lẽ sai."
        ) % {"extent": f"{xmin:g} {ymin:g}, {xmax:g} {ymax:g}"}
    if not valid:
        return None, _("Hình học không hợp lệ: %(reason)s.") % {"reason": reason}
    if isinstance(shape, Polygon):
        shape = MultiPolygon(shape, srid=4326)
    if not isinstance(shape, MultiPolygon):  # not reached: OGR's type is checked above
        return None, _("Hình học phải là vùng (Polygon/MultiPolygon), không phải %(type)s.") % {
            "type": shape.geom_type
        }
    return shape, None
