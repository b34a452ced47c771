"""API router of the congress app, mounted at /api/v1/ by secassist.api."""

from ninja import Router

router = Router(tags=["congress"])
