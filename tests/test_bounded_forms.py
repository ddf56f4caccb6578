"""Bounded input in the HTML forms: every date field of every form is a window field and every text field has a
max_length (tests/beds/test_booking_form_bounds.py: the message beside the field)."""

from __future__ import annotations

import importlib
import inspect

from django import forms

from psykiatrihus.forms import WindowDateField, WindowDateTimeField

FORM_MODULES = ["beds.forms", "contracts.forms", "activities.forms", "reporting.report_forms", "psykiatrihus.views"]


def _form_fields():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                for field_name, field in cls.base_fields.items():
                    yield f"{module_name}.{cls.__name__}.{field_name}", field


def test_every_form_date_is_a_window_field_and_every_text_is_bounded():
    fields = list(_form_fields())
    dates = [(where, f) for where, f in fields if isinstance(f, forms.DateField | forms.DateTimeField)]
    assert len(dates) >= 20  # the walk really found the forms
    assert [w for w, f in dates if not isinstance(f, WindowDateField | WindowDateTimeField)] == []
    assert [w for w, f in fields if type(f) is forms.CharField and f.max_length is None] == []
