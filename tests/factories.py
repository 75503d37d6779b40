from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from tend.care.models import Intensity, Modality, Session
from tend.checkins.models import CheckIn
from tend.clients.models import Client
from tend.practices.models import Practice, Practitioner

PASSWORD = "a-long-test-password-42"


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n}")


class PractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practitioner
        skip_postgeneration_save = True

    practice = factory.SubFactory(PracticeFactory)
    email = factory.Sequence(lambda n: f"practitioner{n}@example.com")
    name = factory.Sequence(lambda n: f"Practitioner {n}")
    password = factory.django.Password(PASSWORD)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    practitioner = factory.SubFactory(PractitionerFactory)
    practice = factory.SelfAttribute("practitioner.practice")
    name = factory.Sequence(lambda n: f"Client {n}")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    language = "en"
    timezone = "Europe/Madrid"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    practitioner = factory.SelfAttribute("client.practitioner")
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    modality = Modality.BODYWORK
    intensity = Intensity.MODERATE
    client_note = "Rest tonight; tears tomorrow are normal."
    private_note = "Shoulders held a lot."


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    client = factory.SubFactory(ClientFactory)
    practice = factory.SelfAttribute("client.practice")
    answered_at = factory.LazyFunction(timezone.now)
    activation = 4
    note = "Felt heavy in the morning."
