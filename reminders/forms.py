"""Forms for a person's reminder settings."""

from django import forms
from django.utils.translation import gettext_lazy

from .models import Delivery, ReminderRule


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=gettext_lazy("How do you want your reminders?"),
        choices=[
            (Delivery.DIGEST, gettext_lazy("One email a day listing all of them (recommended)")),
            (Delivery.INDIVIDUAL, gettext_lazy("One email for each reminder, as it becomes due")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Select how you want your reminders")},
    )
    wanted_rules = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Reminders you can switch off"),
        queryset=ReminderRule.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Untick any you do not want. Statutory reminders always go out."),
    )

    def __init__(self, *args, optional_rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.optional_rules = list(optional_rules)
        field = self.fields["wanted_rules"]
        field.queryset = ReminderRule.objects.filter(pk__in=[r.pk for r in self.optional_rules])
        field.label_from_instance = lambda rule: rule.display_name
        field.label_size = "m"
        self.fields["delivery"].label_size = "m"
        if not self.optional_rules:
            del self.fields["wanted_rules"]

    def muted_rules(self) -> list[ReminderRule]:
        wanted = set(self.cleaned_data.get("wanted_rules") or ())
        return [r for r in self.optional_rules if r not in wanted]
