"""The team: who is in the practice, inviting colleagues, roles, switching someone off,
and moving a client. Admins change things; everyone else may look."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tend.clients.models import Client
from tend.practices import errors, limits, notices, tenancy, two_factor
from tend.practices.models import Invitation, Move, Practitioner
from tend.practices.requests import PractitionerRequest
from tend.practices.roles import admin_required
from tend.team import invitations, members
from tend.team.forms import ColleagueForm, InviteForm, JoinForm, RoleForm

Admin = Practitioner.Role.ADMIN


@require_http_methods(["GET"])
@login_required
def team(request: PractitionerRequest) -> HttpResponse:
    me = request.user
    people = (
        Practitioner.objects.filter(practice_id=me.practice_id)
        .select_related("covered_by", "away_cover")
        .annotate(client_count=Count("clients"))
        .order_by("-is_active", "name", "pk")
    )
    is_admin = me.role == Admin
    ctx = {
        "people": people,
        "is_admin": is_admin,
        "pending": invitations.waiting(me.practice_id) if is_admin else [],
        "now": timezone.now(),
    }
    return render(request, "team/team.html", ctx)


@require_http_methods(["GET", "POST"])
@admin_required
def invite(request: PractitionerRequest) -> HttpResponse:
    form = InviteForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST":
        if form.is_valid():
            wait = limits.take(
                (limits.INVITATIONS_FROM, limits.address(request)),
                (limits.INVITATIONS_BY_PRACTICE, request.user.practice_id),
                (limits.INVITATIONS_TO, form.cleaned_data["email"].strip().lower()),
            )
            if wait is not None:
                return errors.sending_paused(request, wait)
            invitations.invite(by=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("The invitation is on its way to %(email)s. It works once, for seven days.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("team:team")
        messages.error(request, _("Nothing has been sent yet. Please look at the notes below."))
    return render(request, "team/invite.html", {"form": form})


@require_POST
@admin_required
def withdraw(request: PractitionerRequest, invitation_id: int) -> HttpResponse:
    invitation = tenancy.get_or_404(request, Invitation, pk=invitation_id)
    if invitations.withdraw(invitation):
        messages.success(
            request,
            _("The invitation to %(email)s is withdrawn: its link no longer works.")
            % {"email": invitation.email},
        )
    else:
        messages.info(request, _("That invitation had already been used or withdrawn."))
    return redirect("team:team")


def _person(request: PractitionerRequest, practitioner_id: int) -> Practitioner:
    return tenancy.get_or_404(request, Practitioner, pk=practitioner_id)


def _member_page(
    request: PractitionerRequest,
    person: Practitioner,
    role_form: RoleForm | None = None,
    handover: ColleagueForm | None = None,
) -> HttpResponse:
    ctx = {
        "person": person,
        "client_count": Client.objects.filter(practitioner=person).count(),
        "role_form": role_form or RoleForm(initial={"role": person.role}),
        "handover": handover
        or ColleagueForm(practitioner=person, label=_("Who takes over their clients")),
        "moves": _handed_over(person),
        "is_me": person.pk == request.user.pk,
        "has_app": two_factor.has_app(person),
    }
    return render(request, "team/member.html", ctx)


def _handed_over(person: Practitioner) -> list[tuple[Move, str]]:
    """The latest moves to or from `person`, each with whose cover it was (for covers)."""
    moves = list(
        Move.objects.filter(practice_id=person.practice_id)
        .filter(Q(from_practitioner=person) | Q(to_practitioner=person))
        .select_related("by", "from_practitioner", "to_practitioner")
        .order_by("-at", "-pk")[:50]
    )
    names = dict(
        Practitioner.objects.filter(practice_id=person.practice_id).values_list("pk", "name")
    )
    covers = (Move.What.COVER, Move.What.AWAY_COVER)
    return [(m, names.get(m.record_id, "") if m.what in covers else "") for m in moves]


@require_http_methods(["GET"])
@admin_required
def member(request: PractitionerRequest, practitioner_id: int) -> HttpResponse:
    return _member_page(request, _person(request, practitioner_id))


@require_POST
@admin_required
def change_role(request: PractitionerRequest, practitioner_id: int) -> HttpResponse:
    person = _person(request, practitioner_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _member_page(request, person, role_form=form)
    try:
        changed = members.change_role(person, form.cleaned_data["role"], by=request.user)
    except members.Refused as refused:
        messages.error(request, refused.message)
    else:
        if changed:
            person.refresh_from_db()
            notices.sign_in_changed(person, notices.Change.ROLE, by=request.user)
            messages.success(
                request,
                _("%(name)s is now: %(role)s.")
                % {"name": person.name, "role": person.get_role_display()},
            )
    return redirect("team:member", practitioner_id=person.pk)


@require_POST
@admin_required
def deactivate(request: PractitionerRequest, practitioner_id: int) -> HttpResponse:
    person = _person(request, practitioner_id)
    form = ColleagueForm(request.POST, practitioner=person, label=_("Who takes over their clients"))
    if not form.is_valid():
        messages.error(request, _("Nothing has been changed. Please choose who takes over."))
        return _member_page(request, person, handover=form)
    to = form.chosen()
    try:
        handed = members.deactivate(person, to=to, by=request.user)
    except members.Refused as refused:
        messages.error(request, refused.message)
        return redirect("team:member", practitioner_id=person.pk)
    notices.sign_in_changed(person, notices.Change.SWITCHED_OFF, by=request.user)
    messages.success(
        request,
        _("%(name)s is switched off and can no longer sign in.") % {"name": person.name}
        + " "
        + ngettext(
            "%(clients)d client and %(alerts)s went to %(to)s.",
            "%(clients)d clients and %(alerts)s went to %(to)s.",
            handed.clients,
        )
        % {
            "clients": handed.clients,
            "alerts": ngettext("%(n)d open alert", "%(n)d open alerts", handed.alerts)
            % {"n": handed.alerts},
            "to": to.name,
        },
    )
    return redirect("team:member", practitioner_id=person.pk)


@require_POST
@admin_required
def reactivate(request: PractitionerRequest, practitioner_id: int) -> HttpResponse:
    person = _person(request, practitioner_id)
    if members.reactivate(person):
        notices.sign_in_changed(person, notices.Change.SWITCHED_ON, by=request.user)
        messages.success(
            request,
            _(
                "%(name)s is switched on again and can sign in. Their former clients stay "
                "where they are; move any back from each client's page."
            )
            % {"name": person.name},
        )
    return redirect("team:member", practitioner_id=person.pk)


@require_POST
@admin_required
def reset_two_step(request: PractitionerRequest, practitioner_id: int) -> HttpResponse:
    """A colleague lost their phone and their recovery codes: they sign in afresh."""
    person = _person(request, practitioner_id)
    if person.pk != request.user.pk and two_factor.reset(person):
        notices.sign_in_changed(person, notices.Change.TWO_STEP_CLEARED, by=request.user)
        messages.success(
            request,
            _(
                "%(name)s's two-step sign-in is cleared and they are signed out everywhere. "
                "They sign in with their password, then set up their app again."
            )
            % {"name": person.name},
        )
    return redirect("team:member", practitioner_id=person.pk)


@require_http_methods(["GET", "POST"])
@admin_required
def move_client(request: PractitionerRequest, client_id: int) -> HttpResponse:
    client = tenancy.get_or_404(
        request, Client.objects.select_related("practitioner"), pk=client_id
    )
    form = ColleagueForm(request.POST or None, practitioner=client.practitioner, label=_("Move to"))
    if request.method == "POST":
        if form.is_valid():
            to = form.chosen()
            members.move_client(client, to=to, by=request.user)
            messages.success(
                request,
                _("%(client)s is now with %(to)s.") % {"client": client.name, "to": to.name},
            )
            return redirect("clients:detail", client_id=client.pk)
        messages.error(request, _("Nothing has been changed. Please choose a colleague."))
    return render(request, "team/move_client.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """The invited colleague's page: name, password, language; then they are in."""
    invitation = invitations.find(token)
    problem = invitations.problem(invitation)
    if problem is not None or invitation is None:
        return _join_problem(request, problem or invitations.Problem.UNKNOWN, invitation)
    inviter = invitation.invited_by
    initial = {"language": invitation.language, "timezone": inviter.timezone if inviter else "UTC"}
    form = JoinForm(request.POST or None, initial=initial, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        joined = invitations.accept(
            token,
            name=form.cleaned_data["name"],
            password=form.cleaned_data["password1"],
            language=form.cleaned_data["language"],
            zone=form.cleaned_data["timezone"],
        )
        if isinstance(joined, invitations.Problem):
            return _join_problem(request, joined, invitation)
        login(request, joined, backend="django.contrib.auth.backends.ModelBackend")
        with translation.override(joined.language):  # the language they just chose
            messages.success(
                request,
                _("Welcome to %(practice)s. Your clients will appear here as they come to you.")
                % {"practice": invitation.practice.name},
            )
        return redirect("home")
    ctx = {"form": form, "invitation": invitation}
    return render(request, "team/join.html", ctx)


def _join_problem(
    request: HttpRequest, problem: invitations.Problem, invitation: Invitation | None
) -> HttpResponse:
    ctx = {"problem": problem.value, "invitation": invitation}
    status = {invitations.Problem.UNKNOWN: 404, invitations.Problem.TAKEN: 409}.get(problem, 410)
    return render(request, "team/join_problem.html", ctx, status=status)
