"""A per-house change counter for cheap refreshes (part of the beds app's models; imported by beds.models).

PostgreSQL triggers (migration 0007) add one to the house's counter on every insert, update or delete of its
beds, stays, bed blocks and requests, whoever writes (services, import, admin, SQL). The board's 20-second poll
answers 304 Not Modified while the counter (and the clock's quarter hour) has not moved.
"""

from __future__ import annotations

from django.db import models

from psykiatrihus.models import House


class HouseChange(models.Model):
    house = models.OneToOneField(House, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.BigIntegerField(default=0)

    class Meta:
        app_label = "beds"
        verbose_name = "ændringstæller"
