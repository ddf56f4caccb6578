"""Data-quality warnings beside the tables, and the data-quality sheet."""

from __future__ import annotations

from django.utils.translation import gettext as _

from reporting.report_layout.cells import is_number, number, sector_label, table_meta


def _count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


UNKNOWN_WARN_PERCENT = 10  # an unknown share from this and up is worth a word beside the table


def _unknown_texts() -> dict[str, str]:
    return {
        "referral_sources": _("Henvisningsvej ukendt for %(n)s af %(of)s (%(p)s %%)"),
        "diagnoses": _("Diagnose ukendt for %(n)s af %(of)s (%(p)s %%)"),
        "treatment_responsibility": _("Behandlingsansvar ukendt for %(n)s af %(of)s (%(p)s %%)"),
        "municipal_services": _("Kommunale tilbud ukendt for %(n)s af %(of)s (%(p)s %%)"),
    }


def data_quality_warnings(key: str, quality: dict) -> list[str]:
    """Short Danish warnings beside table `key`, from the published data-quality figures (a share only where
    both its counts are printed, so a warning never shows what the tables hide)."""
    warnings: list[str] = []
    sectors = [s for s in ("kommune", "region") if isinstance(quality.get(s), dict)]
    texts = _unknown_texts()
    for sector in sectors:
        section = quality[sector]
        prefix = sector_label(sector) + ": "
        entry = (section.get("unknown") or {}).get(key)
        if key in texts and isinstance(entry, dict) and is_number(entry.get("percent")) \
                and entry["percent"] >= UNKNOWN_WARN_PERCENT:
            warnings.append(prefix + texts[key] % {"n": number(entry["unknown"]), "of": number(entry["of"]),
                                                   "p": number(round(entry["percent"]))})
        entry = section.get("stays_without_request")
        if key == "requests" and isinstance(entry, dict) and _count(entry.get("without_request")):
            share = f" ({number(round(entry['percent']))} %)" if is_number(entry.get("percent")) else ""
            warnings.append(prefix + _("%(n)s af %(stays)s ophold%(share)s er booket uden en registreret "
                                       "henvendelse, så 'Førte til ophold' er for lavt og andelen afviste for "
                                       "høj.") % {"n": number(entry["without_request"]),
                                                 "stays": number(entry["stays"]), "share": share})
    months = ((quality.get("house") or {}).get("months_without_counts") or {}).get(key)
    if isinstance(months, dict) and _count(months.get("missing")):
        warnings.append(_("Intet indberettet for %(n)s af %(months)s måneder; tallene er for lave.") % {
            "n": number(months["missing"]), "months": number(months["months"])})
    return warnings


def data_quality_rows(*, data: dict) -> tuple[list[str], list[list]]:
    """The data-quality figures as one table for the XLSX: what, sector, count, of, share (%)."""
    quality = (data.get("tables") or {}).get("data_quality") or {}
    meta = table_meta()
    columns = [_("Tabel"), _("Sektor"), _("Antal"), _("Af"), _("Andel (%)")]
    rows: list[list] = []
    for sector in ("kommune", "region"):
        section = quality.get(sector) or {}
        for table, entry in (section.get("unknown") or {}).items():
            rows.append([_("%(table)s: ukendt") % {"table": meta.get(table, (table,))[0]}, sector_label(sector),
                         entry.get("unknown"), entry.get("of"), entry.get("percent")])
        entry = section.get("stays_without_request")
        if isinstance(entry, dict):
            rows.append([_("Ophold booket uden registreret henvendelse"), sector_label(sector),
                         entry.get("without_request"), entry.get("stays"), entry.get("percent")])
    for table, entry in ((quality.get("house") or {}).get("months_without_counts") or {}).items():
        rows.append([_("%(table)s: måneder uden indberetning") % {"table": meta.get(table, (table,))[0]}, "",
                     entry.get("missing"), entry.get("months"), None if not entry.get("months") else
                     round(100.0 * entry["missing"] / entry["months"], 1)])
    return columns, rows
