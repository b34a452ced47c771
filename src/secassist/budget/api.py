"""API router of the budget app, mounted at /api/v1/ by secassist.api."""

from ninja import Router

router = Router(tags=["budget"])
