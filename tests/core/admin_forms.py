"""The POST data an admin change page would send back unchanged, to change one field and submit it."""

from typing import Any


def _value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if hasattr(value, "pk"):
        return value.pk
    return value


def _form_values(form: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool) and not value:
            continue  # an unticked checkbox is not sent
        if isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [_value(v) for v in value]
        else:
            data[form.add_prefix(name)] = _value(value)
    return data


def change_form_data(page: Any) -> dict[str, Any]:
    """Everything the change page's form and inline formsets hold now, as the browser would post it."""
    data = _form_values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        for form in formset.initial_forms:
            data.update(_form_values(form))
    return data
