"""Reads about people and their roles."""

from collections.abc import Callable

from django.db.models import Q
from django.utils.translation import gettext_lazy

from .models import IdentityProvider, Membership
from .permissions import has_office_role, user_force, user_office


def user_has_office_role(user, body, *roles: str) -> bool:
    """Does the user hold one of `roles` in `body`'s office, while acting for it? (The one rule is
    `accounts.permissions.has_office_role`; kept here for the services that read it.)"""
    return has_office_role(user, body, *roles)


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


# --- How a person is named to another organisation ----------------------------------------------

#: Shown for someone who belongs to no office or force (an administrator of the service).
NO_ORGANISATION_LABEL = gettext_lazy("A Section 55 Tracker administrator")


def _organisation_force_id(membership) -> int | None:
    """The force a membership is tied to: the force itself, or the force its office oversees."""
    if membership.force_id:
        return membership.force_id
    if membership.policing_body_id:
        return membership.policing_body.force_id
    return None


def _organisation_label(membership) -> str:
    if membership.policing_body_id:
        return membership.policing_body.office_name
    if membership.force_id:
        return membership.force.name
    return membership.get_role_display()


def person_namer(*, viewer, people) -> Callable[[object], str]:
    """How pages, feeds, exports and emails name a person to `viewer`: one rule for every place
    that can show people of more than one organisation (a national report's history, a
    response's history).

    - The viewer's own office and the force it oversees work together on one response (the
      office invites the force's contributors and makes them leads by name), so their people,
      past and present, are named. A force contributor likewise sees the names of its own
      force's contributors and of the office that oversees it.
    - Anyone else appears as their organisation: another office's staff as that office's name,
      another force's contributors as the force's name; someone with no office or force (an
      administrator of the service) as `NO_ORGANISATION_LABEL`.
    - A viewer with no office and no force sees no names at all.

    Returns a function of a user (or None, "System"). One query for the memberships of
    `people`; a person not among them costs one more query the first time they are named.
    """
    office, force = user_office(viewer), user_force(viewer)
    viewer_force_id = office.force_id if office is not None else getattr(force, "pk", None)
    memberships: dict[int, list[Membership]] = {}

    def load(ids: set[int]) -> None:
        for user_id in ids:
            memberships[user_id] = []
        for membership in (
            Membership.objects.filter(user_id__in=ids)
            .select_related("policing_body", "force")
            .order_by("-is_active", "pk")
        ):
            memberships[membership.user_id].append(membership)

    load({person.pk for person in people if person is not None})

    def name(person) -> str:
        if person is None:
            return "System"
        if person.pk not in memberships:
            load({person.pk})
        held = memberships[person.pk]
        if person.pk == getattr(viewer, "pk", None) or (
            viewer_force_id is not None
            and any(_organisation_force_id(m) == viewer_force_id for m in held)
        ):
            return person.display_name
        return _organisation_label(held[0]) if held else NO_ORGANISATION_LABEL

    return name


# --- single sign-on --------------------------------------------------------------------------


def identity_providers_offered():
    """The organisations whose people may sign in with their own provider, for the sign-in
    page's list."""
    return IdentityProvider.objects.filter(is_active=True).order_by("name")


def identity_provider_for_email(email: str):
    """The active provider whose allowed domains include `email`'s domain, or None."""
    for provider in identity_providers_offered():
        if provider.allows_email(email):
            return provider
    return None


def password_refused_by(user):
    """The provider of one of `user`'s organisations that no longer allows passwords, or None
    (then the password route is open to them)."""
    org_filter = Q(pk__in=[])
    for membership in Membership.objects.filter(user=user, is_active=True):
        if membership.policing_body_id:
            org_filter |= Q(policing_body_id=membership.policing_body_id)
        if membership.force_id:
            org_filter |= Q(force_id=membership.force_id)
    return (
        IdentityProvider.objects.filter(org_filter, is_active=True, passwords_allowed=False)
        .order_by("name")
        .first()
    )
