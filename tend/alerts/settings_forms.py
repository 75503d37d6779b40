"""Forms for a practice's alert settings, its coverage, and a practitioner's time away.

A colleague is chosen from a fixed list of this practice's active people, so nobody from
another practice (or switched off, or oneself) can ever be picked, whatever is posted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tend.alerts import coverage
from tend.lib import when
from tend.practices.models import Practice, Practitioner

FURTHEST_AWAY = dt.timedelta(days=366)


class AttentionForm(forms.ModelForm[Practice]):
    """When a check-in answer or a silence opens an alert."""

    class Meta:
        model = Practice
        fields = ("activation_threshold", "baseline_jump", "silence_hours", "basics_days")


class PassingOnForm(forms.ModelForm[Practice]):
    """How long an alert waits for someone before it is passed on."""

    class Meta:
        model = Practice
        fields = ("urgent_escalation_minutes", "normal_escalation_hours")


class SigningOutForm(forms.ModelForm[Practice]):
    """How long a practitioner's Tend stays open without being used, and whether everyone
    signs in in two steps."""

    class Meta:
        model = Practice
        fields = ("idle_minutes", "require_two_factor")


def _active(practice_id: int) -> list[Practitioner]:
    return list(
        Practitioner.objects.filter(practice_id=practice_id, is_active=True).order_by("name", "pk")
    )


def _choices(
    people: list[Practitioner], besides: Practitioner, empty: str
) -> list[tuple[str, str]]:
    return [("", empty)] + [(str(p.pk), p.name or p.email) for p in people if p.pk != besides.pk]


def _when(moment: dt.datetime) -> str:
    return when.when(moment)


class CoverForm(forms.Form):
    """For each active practitioner, the colleague who usually covers for them."""

    def __init__(self, *args: Any, practice_id: int, now: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = _active(practice_id)
        empty = _("Nobody: the practice's admins step in")
        for person in self.people:
            help_text = ""
            if coverage.is_away(person, now) and person.away_until is not None:
                help_text = _("Away until %(when)s") % {"when": _when(person.away_until)}
            self.fields[self.name_for(person)] = forms.TypedChoiceField(
                label=_("Who covers for %(name)s") % {"name": person.name or person.email},
                choices=_choices(self.people, person, empty),
                coerce=int,
                empty_value=None,
                required=False,
                initial=person.covered_by_id,
                help_text=help_text,
            )

    @staticmethod
    def name_for(person: Practitioner) -> str:
        return f"cover_{person.pk}"

    def save(self) -> int:
        """Set each posted cover; a practitioner missing from the post is left alone."""
        changed = 0
        for person in self.people:
            name = self.name_for(person)
            if self.add_prefix(name) not in self.data:
                continue  # joined after the page was opened: nothing was chosen for them
            cover_id = self.cleaned_data[name]
            if cover_id != person.covered_by_id:
                Practitioner.objects.filter(pk=person.pk).update(covered_by_id=cover_id)
                changed += 1
        return changed


class AwayForm(forms.Form):
    until = forms.DateTimeField(
        label=gettext_lazy("Away until"),
        help_text=gettext_lazy("A date and time in your own time zone."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    cover = forms.TypedChoiceField(
        label=gettext_lazy("Who covers for you meanwhile"),
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(
        self, *args: Any, practitioner: Practitioner, now: dt.datetime, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        self.fields["until"].help_text = _("A date and time in your time zone (%(zone)s).") % {
            "zone": when.zone_label(None)
        }
        self.colleagues = {p.pk: p for p in _active(practitioner.practice_id)}
        cover = self.fields["cover"]
        assert isinstance(cover, forms.TypedChoiceField)
        cover.choices = _choices(
            list(self.colleagues.values()),
            practitioner,
            _("Your usual cover (or the practice's admins)"),
        )
        cover.initial = practitioner.away_cover_id or practitioner.covered_by_id
        if coverage.is_away(practitioner, now):
            self.fields["until"].initial = practitioner.away_until

    def clean_until(self) -> dt.datetime:
        until: dt.datetime = self.cleaned_data["until"]
        if until <= self.now:
            raise forms.ValidationError(_("Please choose a time that hasn't passed yet."))
        if until > self.now + FURTHEST_AWAY:
            raise forms.ValidationError(_("Please choose a time within the next year."))
        return until

    def clean_cover(self) -> Practitioner | None:
        cover_id = self.cleaned_data["cover"]
        if cover_id is None:
            return None
        cover = self.colleagues[cover_id]
        if coverage.is_away(cover, self.now) and cover.away_until is not None:
            raise forms.ValidationError(
                _("%(name)s is away too (until %(when)s). Please choose someone else.")
                % {"name": cover.name, "when": _when(cover.away_until)}
            )
        return cover
