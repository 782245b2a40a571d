"""Reads about people and their roles."""

from .models import Membership


def user_roles_in_body(user, body) -> set[str]:
    if not user or not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user=user, policing_body=body, is_active=True).values_list(
            "role", flat=True
        )
    )


def user_has_office_role(user, body, *roles: str) -> bool:
    return bool(user_roles_in_body(user, body).intersection(roles))


def body_members(body, *roles: str):
    """Active users with any of `roles` in the office `body`."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__policing_body=body,
            memberships__role__in=roles,
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
    )


def force_contributors(force):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__force=force,
            memberships__role=Membership.Role.FORCE_CONTRIBUTOR,
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
    )
