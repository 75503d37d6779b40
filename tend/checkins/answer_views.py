"""Answering from an email: one tap, or the fuller form, with no login in the way."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_POST

from tend.checkins import answer_links, offered, services
from tend.checkins.answer_links import AnswerLink, LinkProblem
from tend.checkins.forms import CheckInForm
from tend.checkins.models import CheckIn, QuickAnswer, State
from tend.checkins.services import Tap
from tend.clients import links
from tend.practices import errors, limits


def _checkin(link: AnswerLink) -> CheckIn | None:
    return (
        CheckIn.objects.select_related("client__practitioner", "session")
        .filter(pk=link.checkin_id)
        .first()
    )


def _problem(request: HttpRequest, token: str, problem: str, status: int) -> HttpResponse:
    expired = answer_links.read_expired(token)
    checkin = _checkin(expired) if expired else None
    language = checkin.client.language if checkin else translation.get_language()
    with translation.override(language):
        ctx: dict[str, object] = {"problem": problem, "token": token, "checkin": checkin}
        if expired is not None and expired.answer in QuickAnswer.values:
            ctx["label"] = QuickAnswer(expired.answer).label
        return render(request, "checkins/answer_problem.html", ctx, status=status)


def _form(checkin: CheckIn, data: object = None) -> CheckInForm:
    form = CheckInForm(data, practitioner_name=checkin.client.practitioner.name)
    if checkin.activation is not None and data is None:
        form.initial["activation"] = checkin.activation
    return form


def _valid(request: HttpRequest, token: str) -> tuple[AnswerLink, CheckIn] | HttpResponse:
    """The link and its check-in, or the kind page that says why it can't be used."""
    link = answer_links.read(token)
    if isinstance(link, LinkProblem):
        status = 400 if link is LinkProblem.TAMPERED else 410
        return _problem(request, token, link.value, status)
    checkin = _checkin(link)
    if checkin is None or checkin.state == State.CANCELLED:
        return _problem(request, token, "withdrawn", 410)
    return link, checkin


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """A one-tap answer from an email.

    GET records nothing: mail scanners open every link. The page it returns posts itself
    at once in a browser (or shows one button without JavaScript), so a person still taps
    once while a scanner answers for nobody.
    """
    found = _valid(request, token)
    if isinstance(found, HttpResponse):
        return found
    link, checkin = found
    language = checkin.client.language
    if link.answer == answer_links.MORE:
        if checkin.details_added_at is not None:
            return _problem(request, token, "used", 409)
        with translation.override(language):
            ctx = {"checkin": checkin, "token": token, "recorded": False, "form": _form(checkin)}
            return render(request, "checkins/answer.html", ctx)
    if checkin.is_answered and checkin.quick_answer == link.answer:
        return _problem(request, token, "repeat", 409)  # the same answer again: nothing to do
    if request.method != "POST":
        with translation.override(language):
            label = QuickAnswer(link.answer).label
            return render(request, "checkins/answer_tap.html", {"label": label})
    tap = services.checkin_quick_answer(checkin_id=checkin.pk, answer=link.answer)
    if tap is Tap.REPEAT:
        return _problem(request, token, "repeat", 409)
    if tap is Tap.REFUSED:
        return _problem(request, token, "withdrawn", 410)
    checkin = _checkin(link) or checkin  # as now recorded, with its client and practitioner
    with translation.override(language):
        ctx = {
            "checkin": checkin,
            "token": token,
            "recorded": True,
            "again": tap is Tap.CHANGED,
            "form": _form(checkin),
            "suggested": offered.after(checkin, by_link=True),
        }
        return render(request, "checkins/answer.html", ctx)


@require_POST
def answer_more(request: HttpRequest, token: str) -> HttpResponse:
    """The fuller form, reached from an email link. Works once per check-in."""
    found = _valid(request, token)
    if isinstance(found, HttpResponse):
        return found
    checkin = found[1]
    if checkin.details_added_at is not None:
        return _problem(request, token, "used", 409)
    with translation.override(checkin.client.language):
        form = _form(checkin, request.POST)
        if not form.is_valid():
            ctx = {"checkin": checkin, "token": token, "recorded": False, "form": form}
            return render(request, "checkins/answer.html", ctx, status=400)
        services.checkin_answer(client=checkin.client, data=form.cleaned_data, checkin=checkin)
        suggested = offered.after(checkin, by_link=True)
        ctx = {"checkin": checkin, "suggested": suggested}
        return render(request, "checkins/answer_thanks.html", ctx)


@require_POST
def answer_fresh_link(request: HttpRequest, token: str) -> HttpResponse:
    """From an old answer link: email a sign-in link so the full check-in is one tap away."""
    expired = answer_links.read_expired(token)
    checkin = _checkin(expired) if expired else None
    if checkin is None:
        return _problem(request, token, "tampered", 400)
    with translation.override(checkin.client.language):
        wait = limits.take((limits.CLIENT_LINKS_FROM, limits.address(request)))
        if wait is not None:
            return errors.sending_paused(request, wait)
        wait_until = links.fresh_link_send(client=checkin.client)
        ctx = {"wait_until": wait_until, "zone": checkin.client.timezone}
        return render(request, "clients/signin_sent.html", ctx)
