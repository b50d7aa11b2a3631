"""The support admin: every registered model's list opens; writes are refused; no clear PII."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client

from epicontrol.core.admin_base import ReadOnlyAdmin
from epicontrol.people.models import Person

pytestmark = pytest.mark.django_db


def test_every_admin_list_opens(admin_client: Client, person: Person) -> None:
    for model in admin.site._registry:
        meta = model._meta
        response = admin_client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert response.status_code == 200, meta.label


def test_person_admin_is_read_only_and_shows_only_masks(
    admin_client: Client, person: Person
) -> None:
    assert isinstance(admin.site._registry[Person], ReadOnlyAdmin)
    page = admin_client.get(f"/admin/people/person/{person.pk}/change/").content.decode()
    assert person.id_number_masked in page
    assert person.id_number_enc not in page and person.id_number_hash not in page
    response = admin_client.post(f"/admin/people/person/{person.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()
    assert admin_client.get("/admin/people/person/add/").status_code == 403


def test_staff_with_view_permission_cannot_read_unscoped_data(
    django_user_model: Any, person: Person
) -> None:
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("helpdesk", password="Helpdesk-2020-pass")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="view_person"))
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/people/person/").status_code == 403
    assert client.get(f"/admin/people/person/{person.pk}/change/").status_code == 403
