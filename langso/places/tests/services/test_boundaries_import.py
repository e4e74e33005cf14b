from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Point

from langso.accounts.models import User
from langso.core.errors import AccessDenied, DomainError, ImportRejected
from langso.core.models import AuditEntry, Job
from langso.core.services import job_create
from langso.places.models import AdminUnit, Level
from langso.places.services import BoundaryImportReport, boundaries_import
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
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    ogr2ogr("-f", "ESRI Shapefile", str(shp_dir / "xa.shp"), str(two_communes(tmp_path)))
    archive = tmp_path / "xa.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in shp_dir.iterdir():
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
    job = job_create(kind="places.boundaries_import", created_by=central_admin)
    boundaries_import_task.enqueue(
        job_id=job.pk,
        actor_id=central_admin.pk,
        path=str(two_communes(tmp_path)),
        level="commune",
        code_field="ma_xa",
    )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"features": 2, "updated": 2, "unchanged": 0, "centroids_set": 2}
    assert "2 đơn vị cập nhật" in job.message

    bad = geojson(tmp_path / "bad.geojson", [({"ma_xa": "99999"}, square(105.9, 20.2))])
    failed = job_create(kind="places.boundaries_import", created_by=central_admin)
    boundaries_import_task.enqueue(
        job_id=failed.pk,
        actor_id=central_admin.pk,
        path=str(bad),
        level="commune",
        code_field="ma_xa",
    )
    failed.refresh_from_db()
    assert failed.status == Job.Status.FAILED
    assert failed.errors == [
        {"row": 1, "column": "ma_xa", "reason": "Không có xã hiện hành mã “99999”."}
    ]
