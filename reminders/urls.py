from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.reminder_list, name="list"),
    path("<int:pk>/send-again/", views.reminder_send_again, name="send-again"),
    path("emails/", views.email_list, name="emails"),
    path("emails/<int:pk>/send-again/", views.email_send_again, name="email-send-again"),
    path("emails/work/<int:pk>/try-again/", views.work_try_again, name="work-try-again"),
    path("preferences/", views.preferences, name="preferences"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
