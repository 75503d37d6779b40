from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tend.practices.forms import AccountForm
from tend.practices.requests import PractitionerRequest


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("clients:list")
    if getattr(request, "client", None) is not None:
        return redirect("checkins:home")
    return redirect("login")


@login_required
def account(request: PractitionerRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("account")
    return render(request, "practices/account.html", {"form": form})
