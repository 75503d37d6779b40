from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from tend.practices.models import Practitioner
from tests import factories

pytestmark = pytest.mark.django_db


def count_queries(django_assert_max_num_queries: Callable[..., Any], http: HttpClient) -> int:
    with django_assert_max_num_queries(100) as captured:
        assert http.get("/clients/").status_code == 200
    return len(captured.captured_queries)


def test_client_list_costs_the_same_queries_for_2_or_30_clients(
    alice: Practitioner, as_alice: HttpClient, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for _ in range(2):
        factories.CheckInFactory(client=factories.ClientFactory(practitioner=alice))
    count_queries(django_assert_max_num_queries, as_alice)  # the first notes her activity
    few = count_queries(django_assert_max_num_queries, as_alice)
    for _ in range(28):
        factories.CheckInFactory(client=factories.ClientFactory(practitioner=alice))
    many = count_queries(django_assert_max_num_queries, as_alice)
    assert few == many


def test_client_list_shows_last_activation_and_a_request_to_reach_out(
    alice: Practitioner, as_alice: HttpClient
) -> None:
    client = factories.ClientFactory(practitioner=alice, name="Noor Haddad")
    factories.CheckInFactory(client=client, activation=2)
    factories.CheckInFactory(client=client, activation=9, wants_contact=True)
    page = as_alice.get("/clients/").content.decode()
    row = page[page.index("Noor Haddad") :]
    row = row[: row.index("</tr>")]
    assert "9 of 10" in row
    assert "2 of 10" not in row
    assert "<strong>Yes</strong>" in row
