"""Who may do what within a practice: some pages change things only an admin may change."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from tend.practices.errors import forbidden
from tend.practices.models import Practitioner
from tend.practices.requests import PractitionerRequest

View = Callable[..., HttpResponse]


def admin_required(view: View) -> View:
    """Signed in, and an admin of the practice; anyone else is told plainly they can't."""

    @wraps(view)
    def wrapper(request: PractitionerRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.role != Practitioner.Role.ADMIN:
            return forbidden(request)
        return view(request, *args, **kwargs)

    return login_required(wrapper)
