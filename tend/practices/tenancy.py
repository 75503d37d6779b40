"""The one place that decides which rows of client data a request may see.

Every model that holds client data has a `practice` foreign key; those that belong to one
client also have `client`. A practitioner sees their practice's rows; a signed-in client
sees only rows about themselves. Anyone else sees nothing.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.http import Http404, HttpRequest

from tend.practices import security

M = TypeVar("M", bound=models.Model)


def _queryset[M: models.Model](source: type[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    if isinstance(source, models.QuerySet):
        return source
    return source._default_manager.all()


def for_practice[M: models.Model](
    source: type[M] | models.QuerySet[M], practice_id: int
) -> models.QuerySet[M]:
    return _queryset(source).filter(practice_id=practice_id)


def for_client[M: models.Model](
    source: type[M] | models.QuerySet[M], client: models.Model
) -> models.QuerySet[M]:
    qs = for_practice(source, client.practice_id)  # type: ignore[attr-defined]
    if qs.model._meta.model_name == "client":
        return qs.filter(pk=client.pk)
    return qs.filter(client_id=client.pk)


def scoped[M: models.Model](
    request: HttpRequest, source: type[M] | models.QuerySet[M]
) -> models.QuerySet[M]:
    """Rows of `source` that the person behind `request` may see."""
    client = getattr(request, "client", None)
    if client is not None and request.path.startswith("/c/"):
        # On client pages the signed-in client wins, even if a practitioner shares the browser.
        return for_client(source, client)
    user = request.user
    if user.is_authenticated and getattr(user, "practice_id", None):
        return for_practice(source, user.practice_id)
    if client is not None:
        return for_client(source, client)
    return _queryset(source).none()


def get_or_404[M: models.Model](
    request: HttpRequest, source: type[M] | models.QuerySet[M], **lookup: object
) -> M:
    try:
        return scoped(request, source).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError):
        # Not there, or not theirs: the same 404 either way, and a line in the log.
        security.event(request, "record refused")
        raise Http404 from None
