"""Pages of the title10 app (namespace "title10"). Every view declares its capability."""

app_name = "title10"
urlpatterns: list = []
