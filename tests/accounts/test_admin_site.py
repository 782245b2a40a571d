"""The Django admin is for superusers only."""

import pytest

pytestmark = pytest.mark.django_db


def test_superuser_uses_the_admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "x"))
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("is_staff", [True, False])
def test_office_staff_cannot_use_the_admin_even_with_is_staff(client, office_admin, is_staff):
    office_admin.is_staff = is_staff
    office_admin.save()
    client.force_login(office_admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/accounts/user/").status_code == 302
