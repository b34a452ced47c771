"""API router of the insights app, mounted at /api/v1/ by secassist.api."""

from ninja import Router

router = Router(tags=["insights"])
