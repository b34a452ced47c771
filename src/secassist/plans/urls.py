"""Pages of the plans app (namespace "plans"). Every view declares its capability."""

app_name = "plans"
urlpatterns: list = []
