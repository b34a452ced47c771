"""Pages of the congress app (namespace "congress"). Every view declares its capability."""

app_name = "congress"
urlpatterns: list = []
