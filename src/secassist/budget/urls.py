"""Pages of the budget app (namespace "budget"). Every view declares its capability."""

app_name = "budget"
urlpatterns: list = []
