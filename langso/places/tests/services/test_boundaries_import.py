from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Point

from langso.accounts.models import User
from langso.core.errors import AccessDenied, DomainError, ImportRejected
from langso.core.models import AuditEntry, Job
from langso.core.services import job_create
from langso.places.models import AdminUnit, Level
from langso.places.services.boundaries import BoundaryImportReport, boundaries_import
from langso.places.tasks import boundaries_import_task
from langso.places.testing import make_unit_tree

from ..conftest import Tree

pytestmark = pytest.mark.django_db

OGR2OGR = shutil.which("ogr2ogr")
needs_ogr2ogr = pytest.mark.skipif(OGR2OGR is None, reason="ogr2ogr (gdal-bin) is not installed")


def square(x: float, y: float, size: float = 0.05) -> dict[str, Any]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def bow_tie(x: float, y: float) -> dict[str, Any]:
    """A self-intersecting ring: invalid."""
    ring = [[x, y], [x + 0.05, y + 0.05], [x + 0.05, y], [x, y + 0.05], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def geojson(path: Path, features: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> Path:
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": props, "geometry": geometry}
                    for props, geometry in features
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


def ogr2ogr(*args: str) -> None:
    assert OGR2OGR is not None
    # Fixed arguments built by the test itself.
    subprocess.run([OGR2OGR, *args], check=True, capture_output=True)  # noqa: S603


def two_communes(tmp_path: Path) -> Path:
    return geojson(
        tmp_path / "xa.geojson",
        [
            ({"ma_xa": "37001", "ten": "A"}, square(105.90, 20.20)),
            ({"ma_xa": "37002", "ten": "B"}, square(106.00, 20.20)),
        ],
    )


def shapefile_of_two_communes(tmp_path: Path) -> list[Path]:
    """The parts (.shp, .shx, .dbf, .prj) of `two_communes` written as a Shapefile."""
    folder = tmp_path / "shp"
    folder.mkdir()
    ogr2ogr("-f", "ESRI Shapefile", str(folder / "xa.shp"), str(two_communes(tmp_path)))
    return sorted(folder.iterdir())


def import_in_a_job(actor: User, path: Path) -> Job:
    """The job of the import task run for `actor` on `path`, as the upload page starts
    it, once the task is done."""
    job = job_create(kind="places.boundaries_import", created_by=actor)
    boundaries_import_task.enqueue(
        job_id=job.pk, actor_id=actor.pk, path=str(path), level="commune", code_field="ma_xa"
    )
    job.refresh_from_db()
    return job


def assert_square_at(unit: AdminUnit, x: float, y: float) -> None:
    unit.refresh_from_db()
    assert isinstance(unit.boundary, MultiPolygon)
    assert unit.boundary.srid == 4326
    xmin, ymin, xmax, ymax = unit.boundary.extent
    assert (xmin, ymin, xmax, ymax) == pytest.approx((x, y, x + 0.05, y + 0.05), abs=1e-6)


def test_geojson_sets_boundaries_and_missing_centroids(
    tree: Tree, province_officer: User, tmp_path: Path
) -> None:
    """Each feature's polygon becomes its commune's multipolygon; a centroid is computed
    only for a unit that has none; each change is audited."""
    AdminUnit.objects.filter(pk=tree.b.pk).update(centroid=Point(106.5, 20.5, srid=4326))
    report = boundaries_import(
        actor=province_officer, path=two_communes(tmp_path), level=Level.COMMUNE, code_field="ma_xa"
    )
    assert report == BoundaryImportReport(features=2, updated=2, unchanged=0, centroids_set=1)
    assert_square_at(tree.a, 105.90, 20.20)
    assert_square_at(tree.b, 106.00, 20.20)
    assert tree.a.centroid is not None
    assert (tree.a.centroid.x, tree.a.centroid.y) == pytest.approx((105.925, 20.225))
    assert tree.b.centroid is not None
    assert (tree.b.centroid.x, tree.b.centroid.y) == (106.5, 20.5)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).count() == 2


def test_importing_the_same_file_again_changes_nothing(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """A boundary equal to the stored one is counted unchanged and not written."""
    path = two_communes(tmp_path)
    boundaries_import(actor=central_admin, path=path, level=Level.COMMUNE, code_field="ma_xa")
    entries = AuditEntry.objects.count()
    report = boundaries_import(
        actor=central_admin, path=path, level=Level.COMMUNE, code_field="ma_xa"
    )
    assert (report.updated, report.unchanged) == (0, 2)
    assert AuditEntry.objects.count() == entries


@needs_ogr2ogr
def test_zipped_shapefile_in_a_projected_crs_is_transformed(
    tree: Tree, province_officer: User, tmp_path: Path
) -> None:
    """A Shapefile (.shp, .shx, .dbf, .prj in a .zip) in UTM 48N is read and its
    polygons transformed to EPSG:4326; the field name matches whatever its case."""
    source = two_communes(tmp_path)
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    ogr2ogr(
        "-f",
        "ESRI Shapefile",
        "-t_srs",
        "EPSG:32648",
        "-lco",
        "ENCODING=UTF-8",
        str(shp_dir / "ranh_gioi_xa.shp"),
        str(source),
    )
    archive = tmp_path / "ranh_gioi_xa.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in sorted(shp_dir.iterdir()):
            out.write(part, f"du_lieu/{part.name}")
    report = boundaries_import(
        actor=province_officer, path=archive, level=Level.COMMUNE, code_field="MA_XA"
    )
    assert report.updated == 2
    tree.a.refresh_from_db()
    assert tree.a.boundary is not None
    xmin, ymin, xmax, ymax = tree.a.boundary.extent
    assert (xmin, ymin, xmax, ymax) == pytest.approx((105.90, 20.20, 105.95, 20.25), abs=1e-5)


@needs_ogr2ogr
def test_zip_without_prj_is_refused(tree: Tree, central_admin: User, tmp_path: Path) -> None:
    """A Shapefile without its .prj cannot be placed on the map: refused by name."""
    archive = tmp_path / "xa.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in shapefile_of_two_communes(tmp_path):
            if part.suffix != ".prj":
                out.write(part, part.name)
    with pytest.raises(DomainError, match=r"\.prj"):
        boundaries_import(actor=central_admin, path=archive, level="commune", code_field="ma_xa")


@needs_ogr2ogr
def test_geopackage_of_villages_matches_full_codes(
    tree: Tree, province_officer: User, tmp_path: Path
) -> None:
    """A GeoPackage of villages matches each feature by the full village code."""
    source = geojson(
        tmp_path / "thon.geojson",
        [({"ma_thon": "37001-01"}, square(105.90, 20.20, 0.01))],
    )
    gpkg = tmp_path / "thon.gpkg"
    ogr2ogr("-f", "GPKG", "-t_srs", "EPSG:32648", str(gpkg), str(source))
    report = boundaries_import(
        actor=province_officer, path=gpkg, level=Level.VILLAGE, code_field="ma_thon"
    )
    assert report == BoundaryImportReport(features=1, updated=1, unchanged=0, centroids_set=1)
    village = AdminUnit.objects.get(code="37001-01")
    assert village.boundary is not None
    assert village.boundary.extent == pytest.approx((105.90, 20.20, 105.91, 20.21), abs=1e-5)


def test_bad_features_are_all_listed_and_nothing_is_written(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """Missing, unknown and repeated codes and invalid or missing geometries refuse the
    whole file; each is listed by feature number (from 1) and column."""
    path = geojson(
        tmp_path / "xa.geojson",
        [
            ({"ma_xa": "37001"}, square(105.9, 20.2)),  # 1: good, yet not written
            ({"ma_xa": ""}, square(105.9, 20.2)),  # 2
            ({"ma_xa": "99999"}, square(105.9, 20.2)),  # 3
            ({"ma_xa": "37001"}, square(105.9, 20.2)),  # 4: repeated
            ({"ma_xa": "37002"}, bow_tie(106.0, 20.2)),  # 5
            ({"ma_xa": "37002"}, {"type": "Point", "coordinates": [106.0, 20.2]}),  # 6
            ({"ma_xa": "37002"}, None),  # 7
        ],
    )
    with pytest.raises(ImportRejected) as rejected:
        boundaries_import(actor=central_admin, path=path, level="commune", code_field="ma_xa")
    found = [(e.row, e.column) for e in rejected.value.errors]
    assert found == [
        (2, "ma_xa"),
        (3, "ma_xa"),
        (4, "ma_xa"),
        (5, "geometry"),
        (6, "ma_xa"),
        (6, "geometry"),
        (7, "ma_xa"),
        (7, "geometry"),
    ]
    reasons = {(e.row, e.column): e.reason for e in rejected.value.errors}
    assert reasons[(2, "ma_xa")] == "Thiếu mã."
    assert "Không có xã hiện hành mã “99999”" in reasons[(3, "ma_xa")]
    assert "lặp lại (đã có ở đối tượng 1)" in reasons[(4, "ma_xa")]
    assert "Hình học không hợp lệ" in reasons[(5, "geometry")]
    assert "phải là vùng" in reasons[(6, "geometry")]
    assert "Không có hình học" in reasons[(7, "geometry")]
    assert not AdminUnit.objects.filter(boundary__isnull=False).exists()
    assert not AuditEntry.objects.exists()


def test_units_outside_the_actors_scope_are_refused_whole(
    tree: Tree, province_officer: User, tmp_path: Path
) -> None:
    """A province officer cannot set another province's boundaries; a file that mixes
    both is refused and nothing is written. Numeric codes get their zeros back."""
    ha_noi = make_unit_tree(province_code="01", province_name="Thành phố Hà Nội", communes=1)
    path = geojson(
        tmp_path / "tinh.geojson",
        [({"ma_tinh": 37}, square(105.0, 20.0, 1)), ({"ma_tinh": 1}, square(105.5, 21.0, 1))],
    )
    with pytest.raises(AccessDenied, match="Thành phố Hà Nội"):
        boundaries_import(
            actor=province_officer, path=path, level=Level.PROVINCE, code_field="ma_tinh"
        )
    assert not AdminUnit.objects.filter(boundary__isnull=False).exists()
    report = boundaries_import(actor=None, path=path, level=Level.PROVINCE, code_field="ma_tinh")
    assert report.updated == 2
    ha_noi.province.refresh_from_db()
    assert ha_noi.province.boundary is not None


def test_commune_officer_cannot_import_boundaries(
    tree: Tree, officer_a: User, tmp_path: Path
) -> None:
    """Commune officers do not hold "import_boundaries", even on their own commune."""
    path = geojson(tmp_path / "a.geojson", [({"ma_xa": "37001"}, square(105.9, 20.2))])
    with pytest.raises(AccessDenied):
        boundaries_import(actor=officer_a, path=path, level="commune", code_field="ma_xa")


def test_unknown_field_and_unreadable_file_are_refused(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """The message names the missing field and the fields the layer has."""
    path = two_communes(tmp_path)
    with pytest.raises(DomainError, match="không có trường “ma”; các trường có: ma_xa, ten"):
        boundaries_import(actor=central_admin, path=path, level="commune", code_field="ma")
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not a geopackage")
    with pytest.raises(DomainError, match="Không đọc được"):
        boundaries_import(actor=central_admin, path=junk, level="commune", code_field="ma_xa")


def test_progress_is_reported_on_the_job(tree: Tree, central_admin: User, tmp_path: Path) -> None:
    """With a job, the number of features checked is written for the progress bar."""
    job = job_create(kind="test", created_by=central_admin)
    boundaries_import(
        actor=central_admin,
        path=two_communes(tmp_path),
        level="commune",
        code_field="ma_xa",
        job_id=job.pk,
    )
    job.refresh_from_db()
    assert (job.done, job.total, job.status) == (2, 2, Job.Status.RUNNING)


def test_task_records_success_and_refusal_on_the_job(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """The task calls the service and records its report, or every error of a refused
    file, on the job the user watches."""
    job = import_in_a_job(central_admin, two_communes(tmp_path))
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"features": 2, "updated": 2, "unchanged": 0, "centroids_set": 2}
    assert "2 đơn vị cập nhật" in job.message

    bad = geojson(tmp_path / "bad.geojson", [({"ma_xa": "99999"}, square(105.9, 20.2))])
    failed = import_in_a_job(central_admin, bad)
    assert failed.status == Job.Status.FAILED
    assert failed.errors == [
        {"row": 1, "column": "ma_xa", "reason": "Không có xã hiện hành mã “99999”."}
    ]


# ---------------------------------------------------------------------------------------
# Files that try to make GDAL read something else than themselves, or reach the network.
# GDAL picks a driver from a file's content, whatever its name says.

SECRET = "Nguyễn Thị Bí Mật"


def other_province_database(tmp_path: Path) -> Path:
    """A SQLite file on the server holding another province's household, as the
    platform's own database does."""
    folder = tmp_path / "tinh_khac"
    folder.mkdir()
    path = folder / "langso.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE households (head_name TEXT, commune_code TEXT)")
        db.execute("INSERT INTO households VALUES (?, '01001')", (SECRET,))
        db.commit()
    return path


def vrt_of_households(tmp_path: Path) -> str:
    """A VRT that reads the names in another province's database as unit codes."""
    secret = other_province_database(tmp_path)
    return vrt(str(secret), sql="SELECT head_name AS ma_xa FROM households")


def vrt(source: str, *, sql: str | None = None) -> str:
    """An OGR VRT layer over `source` that claims to be in EPSG:4326."""
    select = f"<SrcSQL>{sql}</SrcSQL>" if sql else "<SrcLayer>xa</SrcLayer>"
    return (
        '<OGRVRTDataSource><OGRVRTLayer name="xa">'
        f"<SrcDataSource>{source}</SrcDataSource>{select}"
        "<LayerSRS>EPSG:4326</LayerSRS>"
        "</OGRVRTLayer></OGRVRTDataSource>"
    )


def said(error: DomainError) -> str:
    """Everything a refusal shows the user: its message and every row's reason."""
    rows = error.errors if isinstance(error, ImportRejected) else []
    return "\n".join([error.message, *(str(row) for row in rows)])


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A local HTTP address that records every request made to it, and answers none."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.05)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _address = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    received.append(connection.recv(1024))
                except OSError:
                    received.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", received
    stop.set()
    thread.join()
    server.close()


def test_vrt_named_geojson_cannot_read_another_file(
    tree: Tree, province_officer: User, tmp_path: Path
) -> None:
    """An OGR VRT uploaded as .geojson is refused for what it is, before GDAL reads the
    file it points at; nothing of that file reaches the message."""
    path = tmp_path / "xa.geojson"
    path.write_text(vrt_of_households(tmp_path))
    with pytest.raises(DomainError) as refused:
        boundaries_import(
            actor=province_officer, path=path, level=Level.COMMUNE, code_field="ma_xa"
        )
    assert SECRET not in said(refused.value)
    assert "không phải GeoJSON" in refused.value.message
    assert "XML" in refused.value.message


def test_task_with_a_vrt_keeps_the_other_file_out_of_the_job(
    tree: Tree, province_officer: User, tmp_path: Path
) -> None:
    """The job the officer watches fails with the refusal, not with what the VRT read."""
    path = tmp_path / "ranh-gioi.geojson"
    path.write_text(vrt_of_households(tmp_path))
    job = import_in_a_job(province_officer, path)
    assert job.status == Job.Status.FAILED
    assert SECRET not in json.dumps([job.message, job.errors], ensure_ascii=False)
    assert "không phải GeoJSON" in job.message


def test_vrt_pointing_at_a_url_makes_no_request(
    tree: Tree, central_admin: User, tmp_path: Path, listener: tuple[str, list[bytes]]
) -> None:
    """A VRT whose source is a /vsicurl/ URL is refused before GDAL opens anything: the
    server it names is never contacted."""
    url, received = listener
    path = tmp_path / "xa.geojson"
    path.write_text(vrt(f"/vsicurl/{url}/xa.geojson"))
    with pytest.raises(DomainError, match="không phải GeoJSON"):
        boundaries_import(actor=central_admin, path=path, level="commune", code_field="ma_xa")
    assert received == []


@pytest.mark.parametrize("prefix", ["/vsicurl/", "/vsicurl?url=", "/VSICURL/"])
def test_virtual_and_network_paths_are_refused_before_gdal(
    tree: Tree, central_admin: User, listener: tuple[str, list[bytes]], prefix: str
) -> None:
    """A path that is not a plain file on the server (a GDAL virtual file system, a URL)
    is refused without contacting anything."""
    url, received = listener
    with pytest.raises(DomainError, match="không phải một tệp"):
        boundaries_import(
            actor=central_admin,
            path=f"{prefix}{url}/xa.geojson",
            level="commune",
            code_field="ma_xa",
        )
    assert received == []


def test_geojson_crs_link_makes_no_request(
    tree: Tree, central_admin: User, tmp_path: Path, listener: tuple[str, list[bytes]]
) -> None:
    """GDAL fetches the URL of a GeoJSON `crs` of type "link" while opening the file:
    that request is refused, and the file with it, since it does not hold its own
    coordinate system."""
    url, received = listener
    path = two_communes(tmp_path)
    content = json.loads(path.read_text(encoding="utf-8"))
    content["crs"] = {"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}}
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(DomainError, match="mạng"):
        boundaries_import(actor=central_admin, path=path, level="commune", code_field="ma_xa")
    assert received == []
    assert not AdminUnit.objects.filter(boundary__isnull=False).exists()


def test_zip_with_a_vrt_named_as_a_shapefile_is_refused(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """A zip whose .shp is a VRT (with the .shx, .dbf and .prj beside it) is refused
    because the .shp is not a Shapefile; the file the VRT names is not read."""
    archive = tmp_path / "xa.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("xa.shp", vrt_of_households(tmp_path))
        for extension in ("shx", "dbf", "prj"):
            out.writestr(f"xa.{extension}", b"")
    with pytest.raises(DomainError) as refused:
        boundaries_import(actor=central_admin, path=archive, level="commune", code_field="ma_xa")
    assert SECRET not in said(refused.value)
    assert "xa.shp" in refused.value.message
    assert "không phải Shapefile" in refused.value.message


@pytest.mark.parametrize(
    "name", ["../xa.shp", "du_lieu/../../xa.shp", "C:/xa.shp", "a\\..\\xa.shp"]
)
def test_zip_member_names_that_could_leave_the_folder_are_refused(
    tree: Tree, central_admin: User, tmp_path: Path, name: str
) -> None:
    """A member whose name climbs out of the folder it is extracted to refuses the zip,
    with the member's place in it."""
    archive = tmp_path / "xa.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("xa.dbf", b"")
        out.writestr(name, b"")
    with pytest.raises(DomainError, match="không an toàn \\(tệp thứ 2"):
        boundaries_import(actor=central_admin, path=archive, level="commune", code_field="ma_xa")


@needs_ogr2ogr
def test_zip_gives_only_its_shapefile(tree: Tree, central_admin: User, tmp_path: Path) -> None:
    """Beside the Shapefile, a zip may carry metadata, hidden files or a VRT: they are
    left unread and the Shapefile is imported."""
    archive = tmp_path / "xa.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in shapefile_of_two_communes(tmp_path):
            out.write(part, f"Ranh giới xã/{part.name}")
        out.writestr("Ranh giới xã/xa.shp.xml", "<metadata/>")
        out.writestr("Ranh giới xã/.DS_Store", b"\x00")
        out.writestr("__MACOSX/Ranh giới xã/._xa.shp", b"\x00")
        out.writestr("ho.vrt", vrt_of_households(tmp_path))
    report = boundaries_import(
        actor=central_admin, path=archive, level="commune", code_field="ma_xa"
    )
    assert report.updated == 2


def test_sqlite_database_named_gpkg_is_refused(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """A SQLite database that is not a GeoPackage (the platform's own kind of file) is
    refused before GDAL lists its tables."""
    path = tmp_path / "xa.gpkg"
    path.write_bytes(other_province_database(tmp_path).read_bytes())
    with pytest.raises(DomainError) as refused:
        boundaries_import(actor=central_admin, path=path, level="commune", code_field="head_name")
    assert SECRET not in said(refused.value)
    assert "không phải GeoPackage" in refused.value.message


@needs_ogr2ogr
def test_geopackage_with_a_virtual_table_is_refused(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """A GeoPackage may hold plain tables and the R-tree index GDAL writes; a virtual
    table of another module (here one that would read another file) refuses it, named."""
    gpkg = tmp_path / "xa.gpkg"
    ogr2ogr("-f", "GPKG", "-nln", "xa", str(gpkg), str(two_communes(tmp_path)))
    secret = other_province_database(tmp_path)
    with closing(sqlite3.connect(gpkg)) as db:
        db.execute("PRAGMA writable_schema=ON")
        db.execute(
            "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) "
            "VALUES ('table', 'ho', 'ho', 0, ?)",
            (f"CREATE VIRTUAL TABLE ho USING VirtualOGR('{secret}')",),
        )
        db.execute("PRAGMA writable_schema=OFF")
        db.commit()
    with pytest.raises(DomainError, match="bảng ảo “ho”"):
        boundaries_import(actor=central_admin, path=gpkg, level="commune", code_field="ma_xa")
    assert not AdminUnit.objects.filter(boundary__isnull=False).exists()


@needs_ogr2ogr
def test_geopackage_with_a_view_is_refused(tree: Tree, central_admin: User, tmp_path: Path) -> None:
    """A view in a GeoPackage is refused by name: boundaries come from plain tables."""
    gpkg = tmp_path / "xa.gpkg"
    ogr2ogr("-f", "GPKG", "-nln", "xa", str(gpkg), str(two_communes(tmp_path)))
    with closing(sqlite3.connect(gpkg)) as db:
        db.execute("CREATE VIEW xa_view AS SELECT * FROM xa")
        db.commit()
    with pytest.raises(DomainError, match="khung nhìn “xa_view”"):
        boundaries_import(actor=central_admin, path=gpkg, level="commune", code_field="ma_xa")


@pytest.mark.parametrize("name", ["xa.gpkg", "xa.zip"])
def test_extension_that_lies_about_the_format_is_refused(
    tree: Tree, central_admin: User, tmp_path: Path, name: str
) -> None:
    """A GeoJSON named .gpkg or .zip is refused with what its extension promised and what
    it is, instead of GDAL opening whatever the content is."""
    path = tmp_path / name
    path.write_bytes(two_communes(tmp_path).read_bytes())
    with pytest.raises(DomainError, match="nội dung là GeoJSON"):
        boundaries_import(actor=central_admin, path=path, level="commune", code_field="ma_xa")
    assert not AdminUnit.objects.filter(boundary__isnull=False).exists()


def test_geojson_with_a_bom_and_leading_spaces_is_read(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """A GeoJSON saved with a UTF-8 BOM and blank lines before its `{` is a GeoJSON."""
    path = two_communes(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf\n  " + path.read_bytes())
    report = boundaries_import(actor=central_admin, path=path, level="commune", code_field="ma_xa")
    assert report.updated == 2


def test_a_value_that_is_not_a_code_is_not_echoed(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """A code field holding something else than a unit code (a person's name) is refused
    by feature number without repeating the value; a well-formed unknown code is shown."""
    path = geojson(
        tmp_path / "xa.geojson",
        [({"ma_xa": SECRET}, square(105.9, 20.2)), ({"ma_xa": "99999"}, square(106.0, 20.2))],
    )
    with pytest.raises(ImportRejected) as rejected:
        boundaries_import(actor=central_admin, path=path, level="commune", code_field="ma_xa")
    assert SECRET not in said(rejected.value)
    reasons = {(e.row, e.column): e.reason for e in rejected.value.errors}
    assert "không phải mã xã" in reasons[(1, "ma_xa")]
    assert "“99999”" in reasons[(2, "ma_xa")]


# ---------------------------------------------------------------------------------------
# Geometries GEOS cannot take: each is named by feature and reason.

NAN = float("nan")


def polygon(*rings: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": list(rings)}


def test_unclosed_rings_and_nan_coordinates_are_named(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """An unclosed ring, a ring of too few vertices, and a coordinate that is not a
    number each refuse the file with the feature, the ring and the reason; nothing is
    written."""
    x, y = 105.9, 20.2
    outer = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]
    hole_open = [[x + 0.02, y + 0.02], [x + 0.03, y + 0.02], [x + 0.03, y + 0.03]]
    path = geojson(
        tmp_path / "xa.geojson",
        [
            ({"ma_xa": "37001"}, polygon(outer[:-1])),  # 1: last vertex missing
            ({"ma_xa": "37002"}, polygon([[NAN, y], *outer[1:-1], [NAN, y]])),  # 2
            ({"ma_xa": "37001"}, polygon([outer[0], [x + 0.1, NAN], *outer[2:]])),  # 3
            ({"ma_xa": "37002"}, polygon(outer, hole_open)),  # 4
            ({"ma_xa": "37001"}, polygon([outer[0], outer[1], outer[0]])),  # 5
            (
                {"ma_xa": "37002"},
                {"type": "MultiPolygon", "coordinates": [[outer], [[*outer[:-1], [x, NAN]]]]},
            ),  # 6
        ],
    )
    with pytest.raises(ImportRejected) as rejected:
        boundaries_import(actor=central_admin, path=path, level="commune", code_field="ma_xa")
    reasons = {e.row: e.reason for e in rejected.value.errors if e.column == "geometry"}
    assert sorted(reasons) == [1, 2, 3, 4, 5, 6]
    assert "Vòng ngoài chưa khép kín" in reasons[1]
    assert "105.9 20.3" in reasons[1]
    assert "không phải số" in reasons[2]
    assert "đỉnh 1" in reasons[2]
    assert "không phải số" in reasons[3]
    assert "đỉnh 2" in reasons[3]
    assert "Vòng trong 1 chưa khép kín" in reasons[4]
    assert "3 đỉnh" in reasons[5]
    assert reasons[6].startswith("Vòng ngoài của phần 2")
    assert "đỉnh 5" in reasons[6]
    assert not AdminUnit.objects.filter(boundary__isnull=False).exists()


def test_task_names_the_bad_ring_instead_of_an_unexpected_error(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """The job of a file with an unclosed ring fails with that feature's reason, not
    with "Lỗi không mong đợi"."""
    ring = [[105.9, 20.2], [106.0, 20.2], [106.0, 20.3]]
    path = geojson(tmp_path / "xa.geojson", [({"ma_xa": "37001"}, polygon(ring))])
    job = import_in_a_job(central_admin, path)
    assert job.status == Job.Status.FAILED
    assert "không mong đợi" not in job.message
    assert [(e["row"], e["column"]) for e in job.errors] == [(1, "geometry")]
    assert "chưa khép kín" in job.errors[0]["reason"]


@needs_ogr2ogr
def test_curved_boundaries_are_drawn_with_vertices(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """A GeoPackage of arcs (a CurvePolygon, which GEOS cannot read) is imported as the
    polygon GDAL draws from them."""
    source = tmp_path / "xa.csv"
    source.write_text(
        'ma_xa,WKT\n37001,"CURVEPOLYGON(CIRCULARSTRING(105.9 20.2,106.0 20.3,105.9 20.2))"\n',
        encoding="utf-8",
    )
    gpkg = tmp_path / "xa.gpkg"
    ogr2ogr(
        "-f", "GPKG", "-a_srs", "EPSG:4326", "-nlt", "CURVEPOLYGON",
        "-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO",
        str(gpkg), str(source),
    )  # fmt: skip
    report = boundaries_import(actor=central_admin, path=gpkg, level="commune", code_field="ma_xa")
    assert report.updated == 1
    tree.a.refresh_from_db()
    assert tree.a.boundary is not None
    # The circle through both points: centre (105.95, 20.25), radius √0.005.
    radius = 0.005**0.5
    assert tree.a.boundary.extent == pytest.approx(
        (105.95 - radius, 20.25 - radius, 105.95 + radius, 20.25 + radius), abs=1e-3
    )


def test_coordinates_that_are_not_longitude_and_latitude_are_refused(
    tree: Tree, central_admin: User, tmp_path: Path
) -> None:
    """Metres labelled as degrees (a UTM file without its coordinate system) cannot be
    placed on the map: refused by feature, with the coordinates found."""
    ring: list[list[float]] = [
        [583920, 2233000],
        [589000, 2233000],
        [589000, 2238000],
        [583920, 2233000],
    ]
    path = geojson(tmp_path / "xa.geojson", [({"ma_xa": "37001"}, polygon(ring))])
    with pytest.raises(ImportRejected) as rejected:
        boundaries_import(actor=central_admin, path=path, level="commune", code_field="ma_xa")
    [error] = rejected.value.errors
    assert (error.row, error.column) == (1, "geometry")
    assert "kinh độ" in error.reason
    assert "583920" in error.reason
