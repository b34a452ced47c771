"""The search index: one derived row per searchable object (never a source of truth).

The full-text part is engine-specific and added by migration 0002: an FTS5 external-content table
on SQLite, a weighted tsvector column with a GIN index on PostgreSQL (ADR 1200)."""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    kind = models.CharField(max_length=30)
    object_id = models.CharField(max_length=64)
    title = models.CharField(max_length=400)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_doc_kind_object_uniq")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class IndexState(models.Model):
    """The audit event the index has caught up with: changes after it are re-indexed on the next search."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_audit_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"search index at audit event {self.last_audit_event_id}"
