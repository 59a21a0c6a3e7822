"""The room's public pages, under ``/<language>/room/`` (``hedershus.urls``). The
conversation itself is messaging's page at ``room/`` (``messaging:thread``)."""

from django.urls import path

from hedershus.rooms import views

app_name = "rooms"

urlpatterns = [
    path("open/", views.room_open_view, name="open"),
    path("enter/", views.room_enter_view, name="enter"),
    path("overview/", views.room_overview, name="overview"),
    path("leave/", views.room_leave, name="leave"),
    path("left/", views.room_left_view, name="left"),
    path("delete/", views.room_delete_view, name="delete"),
    path("deleted/", views.room_deleted_view, name="deleted"),
    path("passphrase/", views.room_passphrase_view, name="passphrase"),
    path("stay/", views.room_stay, name="stay"),
    path("saved/", views.saved_pages_view, name="saved"),
    path("saved/add/", views.saved_page_add_view, name="save_page"),
    path("saved/<id:saved_id>/remove/", views.saved_page_remove_view, name="saved_remove"),
    path("notes/", views.notes_view, name="notes"),
    path("notes/<id:note_id>/", views.note_edit_view, name="note_edit"),
    path("notes/<id:note_id>/delete/", views.note_delete_view, name="note_delete"),
]
