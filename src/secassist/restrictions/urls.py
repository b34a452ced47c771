"""Pages of the restrictions app (namespace "restrictions"). Every view declares its capability."""

app_name = "restrictions"
urlpatterns: list = []
