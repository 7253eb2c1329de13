from django.urls import URLPattern, URLResolver

app_name = "lending"
urlpatterns: list[URLPattern | URLResolver] = []
