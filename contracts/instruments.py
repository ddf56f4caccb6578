"""The questionnaires shipped with the product (only those whose licence lets anyone use them freely).

`instruments_ensure()` writes them into `Instrument` (a data migration calls it; so may a new installation);
a house then chooses instruments and moments in the admin (`HouseInstrument`). FIT's ORS and SRS are kept on
the stay as before: their licence is per organisation, so they are not shipped as data here.
"""

from __future__ import annotations

WHO5 = {
    "code": "who5",
    "name": "WHO-5 Trivselsindeks",
    "instructions": "Angiv for hvert af de fem udsagn, hvad der passer bedst på, hvordan du har haft det i de "
                    "sidste to uger.",
    "items": [
        {"key": "1", "text": "I de sidste to uger har jeg været glad og i godt humør"},
        {"key": "2", "text": "I de sidste to uger har jeg følt mig rolig og afslappet"},
        {"key": "3", "text": "I de sidste to uger har jeg følt mig aktiv og energisk"},
        {"key": "4", "text": "I de sidste to uger er jeg vågnet frisk og udhvilet"},
        {"key": "5", "text": "I de sidste to uger har min dagligdag været fyldt med ting, der interesserer mig"},
    ],
    "scale": [
        {"value": 5, "label": "Hele tiden"},
        {"value": 4, "label": "Det meste af tiden"},
        {"value": 3, "label": "Lidt mere end halvdelen af tiden"},
        {"value": 2, "label": "Lidt mindre end halvdelen af tiden"},
        {"value": 1, "label": "Lidt af tiden"},
        {"value": 0, "label": "På intet tidspunkt"},
    ],
    "multiplier": 4,
    "score_min": 0,
    "score_max": 100,
    "meaningful_change": 10,
    "higher_is_better": True,
    "licence_note": "WHO-5 (Psykiatrisk Center Nordsjælland, WHO 1998) må bruges frit uden tilladelse; kilden "
                    "angives. Score = råscore (0–25) × 4.",
}

GAD7 = {
    "code": "gad7",
    "name": "GAD-7 Angst",
    "instructions": "Hvor ofte har du i løbet af de sidste 2 uger været generet af følgende problemer?",
    "items": [
        {"key": "1", "text": "Følt dig nervøs, ængstelig eller på kanten"},
        {"key": "2", "text": "Ikke været i stand til at stoppe eller kontrollere bekymringer"},
        {"key": "3", "text": "Bekymret dig for meget om forskellige ting"},
        {"key": "4", "text": "Haft svært ved at slappe af"},
        {"key": "5", "text": "Været så rastløs, at det har været svært at sidde stille"},
        {"key": "6", "text": "Været let irriteret eller irritabel"},
        {"key": "7", "text": "Været bange for, at noget forfærdeligt ville ske"},
    ],
    "scale": [
        {"value": 0, "label": "Slet ikke"},
        {"value": 1, "label": "Flere dage"},
        {"value": 2, "label": "Mere end halvdelen af dagene"},
        {"value": 3, "label": "Næsten hver dag"},
    ],
    "multiplier": 1,
    "score_min": 0,
    "score_max": 21,
    "meaningful_change": 4,
    "higher_is_better": False,
    "licence_note": "GAD-7 (Spitzer, Kroenke, Williams, Löwe; Pfizer): ingen tilladelse kræves for at gengive, "
                    "oversætte, vise eller distribuere. Sammenhold ordlyden med den officielle danske oversættelse "
                    "(phqscreeners.com) før brug.",
}

SHIPPED = (WHO5, GAD7)


def instruments_ensure(*, instrument_model=None) -> int:
    """Create or update the shipped instruments (by code). Returns how many exist afterwards. The model can
    be passed in (a data migration passes its historical model)."""
    if instrument_model is None:
        from contracts.models import Instrument as instrument_model
    for data in SHIPPED:
        fields = {k: v for k, v in data.items() if k != "code"}
        instrument_model.objects.update_or_create(code=data["code"], defaults=fields)
    return instrument_model.objects.filter(code__in=[d["code"] for d in SHIPPED]).count()
