"""API router of the title10 app, mounted at /api/v1/ by secassist.api."""

from ninja import Router

router = Router(tags=["title10"])
