"""Per-request organisation: `request.office` and `request.force`, for views and the header."""

from .permissions import user_force, user_office


class CurrentOrganisationMiddleware:
    """Set `request.office` (the signed-in user's PolicingBody, or None) and `request.force`
    (the Force of a force contributor, or None). One query per request for a signed-in user
    (their active memberships, cached on the user for the permission checks); none otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.office = user_office(user)
            request.force = user_force(user)
        else:
            request.office = None
            request.force = None
        return self.get_response(request)
