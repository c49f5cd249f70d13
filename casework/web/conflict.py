"""The conflict page: someone saved the same record first. What is saved now is shown
beside what this user typed; the typed values stay in the form, to save again knowingly."""
from flask import render_template

from ..extensions import db
from .formatting import change_value


def conflict(form, error, record, template, **context):
    """Someone saved first: show what is saved now beside what this user typed, keep the
    typed values in the form, and let them save again knowingly (with the new version)."""
    db.session.rollback()
    db.session.refresh(record)
    form.version.data = record.version
    context.setdefault("case", record)
    return render_template(template, form=form, conflict=True,
                           differences=differences(record, form), **context), 409


def differences(record, form):
    """(label, saved now, typed) for each field where the two differ."""
    rows = []
    for field in form:
        name = field.name
        if name in ("csrf_token", "version") or not hasattr(record, name):
            continue
        saved = getattr(record, name)
        if isinstance(saved, list):
            saved_key = sorted(item.id for item in saved)
            typed_key = sorted(field.data or [])
        elif hasattr(record, f"{name}_id"):
            saved_key, typed_key = getattr(record, f"{name}_id") or 0, field.data or 0
        else:
            saved_key, typed_key = saved if saved is not None else "", field.data
            if typed_key is None:
                typed_key = ""
        if saved_key == typed_key:
            continue
        rows.append((field.label.text, display(saved, name, change_value),
                     display_typed(field, change_value)))
    return rows


def display(value, name, change_value):
    if isinstance(value, list):
        return ", ".join(getattr(v, "label", str(v)) for v in value)
    for attribute in ("label", "full_name", "name"):
        if hasattr(value, attribute):
            return getattr(value, attribute)
    return change_value(name, value)


def display_typed(field, change_value):
    labels = {str(choice.value): choice.label for choice in getattr(field, "choices", None)
              or []} if hasattr(field, "choices") else {}
    if isinstance(field.data, list):
        return ", ".join(str(labels.get(str(v), v)) for v in field.data)
    if labels:
        return labels.get(str(field.data), field.data)
    return change_value(field.name, field.data)
