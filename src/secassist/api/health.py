from __future__ import annotations

from django.db import connection
from django.http import HttpRequest
from ninja import Router, Schema

import secassist

router = Router(tags=["health"])


class Health(Schema):
    status: str
    database: str
    version: str


@router.get("/health", auth=None, response=Health, summary="Liveness and database check (public)")
def health(request: HttpRequest) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor, "version": secassist.__version__}
