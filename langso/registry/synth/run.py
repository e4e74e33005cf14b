"""The generator's entry points: one province generated in one transaction
(`synth_province`), removed again (`synth_remove`), and a run over provinces
(`synth_run`) that the `synth` command, the demo and the benches call."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core.db import statistics_refresh
from langso.core.errors import DomainError
from langso.places.models import AdminUnit, Level, UnitSource

from ..address_codes import allocate
from ..models import (
    AquacultureFarm,
    Cooperative,
    FishingVessel,
    Household,
    Placed,
    Product,
    PublicWifiPoint,
    SecurityCamera,
    Source,
    TourismSite,
)
from ..services.map_cells import household_map_cells_rebuild
from .base import (
    CODE_PREFIX,
    DEFAULT_SEED,
    SIZES,
    SYNTH_SOURCE,
    CommunePlan,
    Progress,
    SynthCounts,
    split_total,
    thousands,
)
from .cells import coastal_codes, commune_cells, commune_weight, placement_area, typical_area
from .households import Names, households_write
from .provinces import (
    boundary_shape,
    commune_site,
    current_communes,
    has_synthetic_data,
    households_by_province,
    own_boundaries,
    provinces_for,
    synthetic_villages,
)
from .registries import other_registries
from .villages import villages_create


@dataclass
class ProvinceReport:
    province: str
    counts: SynthCounts
    seconds: float


def synth_province(
    *,
    province: AdminUnit,
    households: int,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> ProvinceReport:
    """Generate one province's synthetic villages, households and other registries, in
    one transaction (nothing half-written). The province must hold no synthetic data yet
    (see `synth_remove`)."""
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    communes = current_communes(province)
    if not communes:
        raise DomainError(
            _("%(province)s chưa có xã nào có tọa độ trung tâm: hãy nạp đơn vị hành chính.")
            % {"province": province.name}
        )
    sites = [commune_site(c) for c in communes]
    boundary = boundary_shape(province)
    cells = commune_cells(sites, boundary, own_boundaries(communes))
    coastal = coastal_codes(province.code, sites, boundary)
    mean = typical_area(sites)
    shares = split_total(households, [commune_weight(s, mean_area=mean) for s in sites])
    plans = [
        CommunePlan(
            province_code=province.code,
            commune=commune,
            site=site,
            area=placement_area(site, cells[site.code], mean_area=mean),
            coastal=site.code in coastal,
            households=share,
        )
        for commune, site, share in zip(communes, sites, shares, strict=True)
    ]
    counts = SynthCounts()
    now = timezone.now()
    today = timezone.localdate()
    names = Names()
    with transaction.atomic():
        source, _created = UnitSource.objects.get_or_create(name=SYNTH_SOURCE, version=str(seed))
        counts.villages = villages_create(plans, seed=seed, source=source)
        say(
            _("%(province)s: %(villages)s thôn ở %(communes)s xã (%(coastal)s xã ven biển)")
            % {
                "province": province.name,
                "villages": thousands(counts.villages),
                "communes": len(plans),
                "coastal": len(coastal),
            }
        )
        reported = 0
        for plan in plans:
            codes = allocate(commune=plan.commune, count=plan.households) if plan.households else []
            counts.households += households_write(
                plan, seed=seed, codes=codes, now=now, names=names
            )
            counts.add(other_registries(plan, seed=seed, codes=codes, today=today))
            if counts.households - reported >= 100_000:
                reported = counts.households
                elapsed = time.perf_counter() - started
                say(
                    _("  %(done)s / %(total)s hộ (%(rate)s hộ/giây)")
                    % {
                        "done": thousands(counts.households),
                        "total": thousands(households),
                        "rate": thousands(counts.households / elapsed),
                    }
                )
    return ProvinceReport(
        province=province.code, counts=counts, seconds=time.perf_counter() - started
    )


def _delete(queryset: QuerySet[Any]) -> int:
    """Rows of the queryset's own model deleted (not counting cascades). Deleting loads
    the rows to follow relations: their ids are enough, not their points and dates."""
    _total, by_model = queryset.only("pk").delete()
    return by_model.get(queryset.model._meta.label, 0)


def synth_remove(*, province: AdminUnit) -> SynthCounts:
    """Remove the province's synthetic rows: the registries' first (products before
    their makers, vessels and farms before their owners), then the synthetic villages.
    Real rows stay. If a real row still refers to a synthetic one (a real household in
    a synthetic village, a role held on one), nothing is removed and the error says so."""
    counts = SynthCounts()
    villages = synthetic_villages(province)

    def coded(model: type[Placed], field: str = "code") -> QuerySet[Any]:
        return model._default_manager.filter(
            province=province, **{f"{field}__startswith": CODE_PREFIX}
        )

    try:
        with transaction.atomic():
            counts.products = _delete(coded(Product))
            counts.vessels = _delete(coded(FishingVessel, "registration_number"))
            counts.farms = _delete(coded(AquacultureFarm))
            counts.sites = _delete(coded(TourismSite))
            counts.wifi_points = _delete(coded(PublicWifiPoint))
            counts.cameras = _delete(coded(SecurityCamera))
            counts.cooperatives = _delete(coded(Cooperative))
            # Commune by commune: deleting loads the rows (to follow cascades), and a
            # province holds up to 1.5 million households.
            communes = AdminUnit.objects.filter(province=province, level=Level.COMMUNE)
            for commune_id in communes.values_list("id", flat=True):
                counts.households += _delete(
                    Household.objects.filter(
                        commune_id=commune_id,
                        identity_source=Source.SYNTHETIC,
                        village__in=villages,
                    )
                )
            # A village is its own `village`: that self-reference would protect it from
            # its own deletion.
            village_ids = list(villages.values_list("id", flat=True))
            AdminUnit.objects.filter(pk__in=village_ids).update(village=None)
            counts.villages = _delete(AdminUnit.objects.filter(pk__in=village_ids))
    except (ProtectedError, RestrictedError) as exc:
        blocking = list(exc.args[1])
        raise DomainError(
            _(
                "Không xóa được dữ liệu tổng hợp của %(province)s: còn %(count)s dòng dữ liệu "
                "thật gắn với nó (%(what)s). Hãy chuyển hoặc xóa chúng trước."
            )
            % {
                "province": province.name,
                "count": len(blocking),
                "what": ", ".join(sorted({str(o._meta.verbose_name) for o in blocking})),
            }
        ) from exc
    return counts


@dataclass
class SynthReport:
    """What a run wrote: per province, skipped provinces, totals and throughput."""

    provinces: list[ProvinceReport] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: SynthCounts = field(default_factory=SynthCounts)
    seconds: float = 0.0

    @property
    def counts(self) -> SynthCounts:
        total = SynthCounts()
        for report in self.provinces:
            total.add(report.counts)
        return total

    @property
    def households_per_second(self) -> float:
        return self.counts.households / self.seconds if self.seconds else 0.0

    @property
    def rows_per_second(self) -> float:
        return self.counts.rows / self.seconds if self.seconds else 0.0


def synth_run(
    *,
    province_codes: Sequence[str] | None,
    size: str | None = "demo",
    households: int | None = None,
    seed: int = DEFAULT_SEED,
    replace: bool = False,
    progress: Progress | None = None,
) -> SynthReport:
    """Generate synthetic data for these provinces (None: the nation), one transaction
    per province. A province that already holds synthetic data is skipped, unless
    `replace`, which removes it first in the same transaction: running the demo twice
    does not duplicate it."""
    say = progress or (lambda _message: None)
    if households is not None and households < 0:
        raise DomainError(_("Số hộ phải là số không âm."))
    if households is None and size not in SIZES:
        raise DomainError(_("Không có cỡ dữ liệu “%(size)s”.") % {"size": size})
    started = time.perf_counter()
    report = SynthReport()
    todo = []
    for province in provinces_for(province_codes):
        if has_synthetic_data(province) and not replace:
            report.skipped.append(province.code)
            say(
                _("%(province)s đã có dữ liệu tổng hợp: bỏ qua (dùng --replace để tạo lại).")
                % {"province": province.name}
            )
        else:
            todo.append(province)
    amounts = households_by_province(todo, size=size, households=households) if todo else {}
    for province in todo:
        with transaction.atomic():
            if replace:
                removed = synth_remove(province=province)
                report.removed.add(removed)
                if removed.rows:
                    say(
                        _("%(province)s: đã xóa dữ liệu tổng hợp cũ (%(rows)s dòng).")
                        % {"province": province.name, "rows": thousands(removed.rows)}
                    )
            report.provinces.append(
                synth_province(
                    province=province, households=amounts[province.pk], seed=seed, progress=say
                )
            )
            # Households were written in bulk, past the services that keep the map's
            # counts; they are counted again here, in the same transaction.
            household_map_cells_rebuild(province_ids=[province.pk])
    if todo:
        # Villages and households came in bulk: the planner counts them again.
        for model in (AdminUnit, Household):
            statistics_refresh(model)
    report.seconds = time.perf_counter() - started
    return report
