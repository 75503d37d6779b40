"""{{ radio|input }}: one choice's <input> of a radio or checkbox list, built in Python.

Django renders each choice through three small templates (option, input, attrs). The
check-in form has about forty choices, so that was a quarter of the time of the pages that
show it (the client's home and the page after a one-tap answer). This writes the same tag,
escaped the same way. A template builtin (settings.TEMPLATES): no {% load %} needed.
"""

from __future__ import annotations

from django import template
from django.forms.boundfield import BoundWidget
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter(name="input")
def choice_input(choice: BoundWidget) -> SafeString:
    """The <input> of one choice, as Django's input.html and attrs.html would write it."""
    data = choice.data
    parts = [format_html('<input type="{}" name="{}"', data["type"], data["name"])]
    if data["value"] is not None:
        parts.append(format_html(' value="{}"', str(data["value"])))
    for name, value in data["attrs"].items():
        if value is True:
            parts.append(format_html(" {}", name))
        elif value is not False:
            parts.append(format_html(' {}="{}"', name, value))
    return mark_safe("".join(parts) + ">")  # noqa: S308 - every part is escaped above
