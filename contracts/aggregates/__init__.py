"""Aggregates over the contracts app's citizen-level data, for other apps' figures (reporting, dashboards).

They return plain values (counts, dicts, lists of dicts): no model instance, no name, no CPR leaves. One
module per resource:

- `contracts`  contracts and their holders (the report's contract tables)
- `citizens`   age bands as SQL expressions, for owners' aggregates counting citizens by age
- `mirror`     admissions before and after a contract (the mirror image)
- `outcomes`   outcome questionnaires
- `dashboard`  the leader dashboard's contract figures (imported as `contracts.aggregates.dashboard`)
"""

from contracts.aggregates.citizens import AGE_BANDS, GENDERS, Age, age_band
from contracts.aggregates.contracts import (
    DIAGNOSIS_GROUPS,
    HOLDER_FIELDS,
    REFERRAL_SOURCES,
    contract_choice_labels,
    contract_counts,
    contracts_ended,
    contracts_in_force_by_quarter_granted,
    contracts_in_force_exist,
    first_grant,
    followups_overdue_at,
    holder_counts_by,
    holder_diagnoses,
    holders_by_age_gender,
    holders_in_period,
    municipal_services_labels,
)
from contracts.aggregates.mirror import (
    MIRROR_KEYS,
    WINDOW_DAYS,
    admissions_mirror,
    cohort_quarters,
    mirror_cohort_after_windows,
)
from contracts.aggregates.outcomes import OUTCOME_KEYS, questionnaire_outcomes

__all__ = [
    "first_grant",
    "AGE_BANDS", "DIAGNOSIS_GROUPS", "GENDERS", "HOLDER_FIELDS", "MIRROR_KEYS", "OUTCOME_KEYS", "REFERRAL_SOURCES",
    "WINDOW_DAYS", "Age", "admissions_mirror", "age_band", "cohort_quarters", "contract_choice_labels",
    "contract_counts", "contracts_ended", "contracts_in_force_by_quarter_granted", "contracts_in_force_exist",
    "followups_overdue_at",
    "holder_counts_by", "holder_diagnoses", "holders_by_age_gender", "holders_in_period",
    "mirror_cohort_after_windows", "municipal_services_labels", "questionnaire_outcomes",
]
