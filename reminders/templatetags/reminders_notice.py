"""`{% failed_notices as notices %}`: failed reminder sends, other emails that could not be sent
and work after a change that failed, in the signed-in person's office, for
`templates/reminders/_failed_notice.html` (included by the dashboard)."""

from django import template

from reminders.selectors import failed_notices as failed_notices_of

register = template.Library()


@register.simple_tag(takes_context=True)
def failed_notices(context):
    """{"reminders": ..., "work": ...} (`reminders.selectors.failed_notices`), or None when no
    one is signed in."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return failed_notices_of(user)
