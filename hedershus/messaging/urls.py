"""The visitor's side of messaging, under "room/" inside the language prefix (hedershus/urls.py).
The rooms app's pages (open, enter, leave …) are its own namespace, "rooms"."""

from django.urls import path

from hedershus.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.thread, name="thread"),
    path("send/", views.message_post, name="post"),
    path("files/<id:message_id>/", views.attachment_download, name="attachment"),
]
