"""{{ choice|input }} writes exactly the <input> Django's own templates would, checked or not,
with every value and attribute escaped."""

from __future__ import annotations

from django import forms

from tend.checkins.forms import CheckInForm
from tend.lib.inputs import choice_input


def choices(form: forms.Form) -> list[forms.BoundField]:
    return [
        choice
        for name, field in form.fields.items()
        if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
        for choice in form[name]
    ]


def test_the_checkin_form_choices_match_djangos_own_tags_blank_and_answered() -> None:
    blank = CheckInForm(practitioner_name="Ana")
    answered = CheckInForm(
        {"activation": "3", "sensations": ["warm", "tight"], "slept": "yes", "wants_contact": "no"},
        practitioner_name="Ana",
    )
    for form in (blank, answered):
        every = choices(form)
        assert len(every) > 40
        for choice in every:
            assert str(choice_input(choice)) == str(choice.tag())
    assert sum(" checked" in str(choice_input(c)) for c in choices(answered)) >= 3


class Hostile(forms.Form):
    pick = forms.MultipleChoiceField(
        choices=[('a"><script>x</script>', "one"), ("b&c", "two")],
        widget=forms.CheckboxSelectMultiple(attrs={"data-note": "it's <here>", "required": True}),
    )


def test_values_and_attributes_are_escaped_as_django_escapes_them() -> None:
    form = Hostile({"pick": ["b&c"]})
    for choice in form["pick"]:
        written = str(choice_input(choice))
        assert written == str(choice.tag())
        assert "<script>" not in written
