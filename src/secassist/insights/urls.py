"""Pages of the insights app (namespace "insights"). Every view declares its capability."""

app_name = "insights"
urlpatterns: list = []
