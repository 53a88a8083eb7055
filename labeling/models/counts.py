"""Project counters kept by every write that changes them, so pages never scan a project.

One row per (project, shard, key) with a count `n`; a figure is the sum over the shards.
Writers add deltas (labeling.db.counters: INSERT ... ON CONFLICT DO UPDATE SET n = n + delta)
in the transaction that changes the items; the shard is the item id modulo SHARDS, so
concurrent submits to different items rarely wait on the same row. Keys (labeling.services.counts):
- "i:<settled 0|1>:<target overlap, 0 = the project's>:<annotation count>": items in that state;
  done / in progress / remaining follow from these with the project's overlap at read time,
  so changing the overlap needs no rewrite;
- "d:<YYYY-MM-DD>": annotations created that day (UTC), for the pace and throughput figures.
"""

from __future__ import annotations

from django.db import models

from labeling.models.project import Project


class ProjectCount(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+", db_index=False)
    shard = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=64)
    n = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["project_id", "key", "shard"]
        constraints = [
            # Also the index every read and write of a project's counters uses.
            models.UniqueConstraint(fields=["project", "key", "shard"], name="project_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.key}[{self.shard}]={self.n}"
