"""Staff pages under /staff/costs/: cost sharing between the partners (R25).

Namespace ``costs``. ``scope`` is "period" or a year of the agreement; ``fmt`` is csv, xlsx or
pdf.
"""

from django.urls import path

from hedershus.costs import views

app_name = "costs"

urlpatterns = [
    path("", views.index, name="index"),
    path("population/import/", views.population_import, name="population_import"),
    path("population/<id:table_id>/", views.population, name="population"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path("agreements/<id:agreement_id>/", views.agreement, name="agreement"),
    path("agreements/<id:agreement_id>/parts/new/", views.part_new, name="part_new"),
    path("agreements/<id:agreement_id>/parts/<id:part_id>/remove/", views.part_remove, name="part_remove"),
    path("agreements/<id:agreement_id>/shares/new/", views.share_new, name="share_new"),
    path(
        "agreements/<id:agreement_id>/shares/<id:share_id>/remove/", views.share_remove, name="share_remove"
    ),
    path("agreements/<id:agreement_id>/table/<slug:scope>/", views.table, name="table"),
    path("agreements/<id:agreement_id>/table/<slug:scope>/export.<slug:fmt>", views.export, name="export"),
]
