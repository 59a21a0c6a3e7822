"""The counsellors' pages under /staff/conversations/.

Namespace ``messaging_staff``.
"""

from django.urls import path

from hedershus.messaging import staff_views

app_name = "messaging_staff"

urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("<id:pk>/", staff_views.conversation, name="conversation"),
    path("<id:pk>/claim/", staff_views.claim, name="claim"),
    path("<id:pk>/reply/", staff_views.reply, name="reply"),
    path("<id:pk>/transfer/", staff_views.transfer, name="transfer"),
    path("<id:pk>/close/", staff_views.close, name="close"),
    path("attachments/<id:message_id>/", staff_views.attachment, name="attachment"),
    path("replies/", staff_views.standard_replies, name="standard_replies"),
    path("replies/<id:pk>/", staff_views.standard_reply_edit, name="standard_reply_edit"),
    path("replies/<id:pk>/delete/", staff_views.standard_reply_delete, name="standard_reply_delete"),
    path("hours/", staff_views.opening_hours, name="opening_hours"),
    path("absences/", staff_views.absences, name="absences"),
    path("absences/<id:pk>/delete/", staff_views.absence_delete, name="absence_delete"),
]
