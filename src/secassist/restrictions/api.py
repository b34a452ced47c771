"""API router of the restrictions app, mounted at /api/v1/ by secassist.api."""

from ninja import Router

router = Router(tags=["restrictions"])
