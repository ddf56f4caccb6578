"""The leader's "now" part of the page: the beds tonight and the week ahead, today's movements and the cards
per sector, the rules in force today, and the færdigbehandling stays by name (citizen level, audited)."""

from __future__ import annotations

import datetime

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from psykiatrihus.models import Sector
from psykiatrihus.scoping import Access
from psykiatrihus.services import audit_log_many
from reporting import charts
from reporting.dashboard.labels import BED_COLOURS, WEEKDAYS, reason_label, sector_label
from reporting.dashboard.scope import _list_url, _live_below, sees_now
from reporting.dashboard_selectors import TURN_AWAY_REASONS, fb_days_left, house_today, list_rows, now_rules


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _now_context(*, access: Access, now: dict, sectors: list[str]) -> dict:
    today = datetime.date.fromisoformat(now["today"])
    bed_rows = []
    for sector in sectors:
        nights = []
        for row in now["beds"][sector]:
            night = datetime.date.fromisoformat(row["night"])
            label = _("I nat") if night == today else f"{WEEKDAYS[night.weekday()]} {night.day}/{night.month}"
            bar = charts.stacked_bar(
                chart_id=f"beds-{sector}-{row['night']}",
                title=_("%(sector)s %(night)s: %(occ)s optaget, %(booked)s booket, %(blocked)s spærret, "
                        "%(free)s ledige") % {"sector": sector_label(sector), "night": label,
                                              "occ": row["occupied"], "booked": row["booked"],
                                              "blocked": row["blocked"], "free": row["free"]},
                segments=[(_("Optaget"), BED_COLOURS["occupied"], row["occupied"]),
                          (_("Booket"), BED_COLOURS["booked"], row["booked"]),
                          (_("Spærret"), BED_COLOURS["blocked"], row["blocked"]),
                          (_("Ledig"), BED_COLOURS["free"], row["free"])],
            )
            nights.append({**row, "label": label, "bar": bar})
        bed_rows.append({"sector": sector, "label": sector_label(sector), "nights": nights,
                         "tonight": nights[0], "in_house_url": _list_url("in_house", sector, access)})
    cards = []
    for sector in sectors:
        mv, ta, ct = now["movements"][sector], now["turned_away_week"][sector], now["contracts"][sector]
        cards.append({
            "sector": sector, "label": sector_label(sector),
            "arrivals": mv["arrivals"], "arrived": mv["arrived"], "arrivals_url": _list_url("arrivals", sector, access),
            "departures": mv["departures"], "departed": mv["departed"],
            "departures_url": _list_url("departures", sector, access),
            "turned_away": ta["total"], "turned_away_url": _list_url("turned_away_week", sector, access),
            "reasons": [(reason_label(r), ta["reasons"][r]) for r in TURN_AWAY_REASONS if ta["reasons"][r]],
            "overdue": ct["overdue"], "overdue_url": _list_url("followups_overdue", sector, access),
            "soon": ct["soon"], "soon_url": _list_url("followups_soon", sector, access),
            "expiring": ct["expiring"], "paused": ct["paused"],
            "expiring_url": _list_url("contracts_expiring", sector, access),
        })
    return {"today": today, "week_start": datetime.date.fromisoformat(now["week_start"]), "bed_rows": bed_rows,
            "cards": cards, "fb": now["faerdigbehandling"], "followup_list_url": _url("contracts:followup_list"),
            "board_url": _url("beds:board")}


def _rules_context(*, access: Access, sectors: list[str]) -> list[dict]:
    """The rules in force today, one line per sector, and the waiting list where the rules use one (the
    list behind the figure only for the viewer's citizen-level sectors)."""
    rules = now_rules(house=access.house, sectors=sectors, today=house_today(house=access.house),
                      suppress_below=_live_below(access))
    rows = []
    for sector, entry in rules.items():
        waiting = entry["waiting_list"]
        url = _list_url("waiting", sector, access) if waiting and sees_now(access) else None
        text = entry["text"].removeprefix(f"{Sector(sector).label}: ")  # the badge names the sector
        rows.append({"sector": sector, "label": sector_label(sector), "text": text, "waiting": waiting,
                     "waiting_url": url})
    return rows


def _faerdigbehandling_list(*, request, access: Access, today: datetime.date) -> list[dict]:
    """Færdigbehandling stays by name with days left (citizen level: only in scope, audited)."""
    _kind, qs = list_rows(access=access, figure="faerdigbehandling", sector=None, today=today)
    stays = list(qs[:20])
    audit_log_many(user=request.user, action="read", objects=stays, house=access.house,
                   detail="dashboard:faerdigbehandling", citizen_attr="citizen_id")
    return [{"stay": s, "days_left": fb_days_left(arrival_date=s.arrival_date, today=today),
             "limit": s.arrival_date} for s in stays]
