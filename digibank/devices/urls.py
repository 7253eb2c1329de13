from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "devices"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.device_list, name="list"),
    path("find/", views.device_find, name="find"),
    path("t/<str:tag>", views.device_by_label, name="by_label"),
    path("new/", views.device_create, name="create"),
    path("labels/", views.label_sheet, name="labels"),
    path("import/", views.device_import, name="import"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("stock-take/", views.stock_take_create, name="stock_take_create"),
    path("stock-take/<int:pk>/", views.stock_take_detail, name="stock_take"),
    path("<int:pk>/", views.device_detail, name="detail"),
    path("<int:pk>/status/", views.device_transition, name="transition"),
    path("<int:pk>/wipe/", views.wipe_create, name="wipe"),
    path(
        "<int:pk>/wipes/<int:wipe_pk>/certificate/",
        views.wipe_certificate,
        name="wipe_certificate",
    ),
    path("<int:pk>/repair/", views.repair_create, name="repair"),
    path("<int:pk>/label/", views.device_label, name="label"),
    path("<int:pk>/edit/", views.device_edit, name="edit"),
    path("<int:pk>/photos/new/", views.photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo_file, name="photo"),
    path(
        "<int:pk>/photos/<int:photo_pk>/thumbnail/", views.photo_thumbnail, name="photo_thumbnail"
    ),
    path("<int:pk>/photos/<int:photo_pk>/delete/", views.photo_delete, name="photo_delete"),
]
