from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from tend.practices.forms import AccountForm
from tend.practices.requests import PractitionerRequest


@login_required
def account(request: PractitionerRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        # In the language just chosen: the page after this one speaks it.
        with translation.override(request.user.language):
            messages.success(request, _("Saved."))
        return redirect("account")
    return render(request, "practices/account.html", {"form": form})
