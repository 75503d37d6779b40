"""Tend's URLs plus one page that fails, to see what a person sees when something breaks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from tend.urls import urlpatterns as tend_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the boom page always fails")


urlpatterns = [path("boom/", boom), *tend_urlpatterns]

handler400 = "tend.practices.errors.bad_request"
handler403 = "tend.practices.errors.forbidden"
handler404 = "tend.practices.errors.not_found"
handler500 = "tend.practices.errors.server_error"
