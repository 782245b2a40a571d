"""`{% failed_reminders_notice as notice %}`: failed reminder sends in the signed-in person's
office, for `templates/reminders/_failed_notice.html` (included by the dashboard)."""

from django import template

from reminders.selectors import failed_reminders_summary, failed_work_summary

register = template.Library()


@register.simple_tag(takes_context=True)
def failed_reminders_notice(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return failed_reminders_summary(user)


@register.simple_tag(takes_context=True)
def failed_work_notice(context):
    """Emails (other than reminders) that could not be sent, and work after a change that
    failed, in the signed-in person's office."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return failed_work_summary(user)
