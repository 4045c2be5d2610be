"""Default targets and directions of every KPI id (metrics.md tables); settings.toml may
override a target per division (``[divisions.X] targets``), never a direction.

Kept apart from the registry so each metric module can read its own target without importing
the registry (which imports the modules).
"""
from __future__ import annotations

from hub_data.settings import Settings
from metrics.result import HIGHER, LOWER, Direction

# id: (default target or None for "—", direction)
DEFAULTS: dict[str, tuple[float | None, Direction]] = {
    "adoption_rate": (0.80, HIGHER),
    "data_quality_error_rate": (0.10, LOWER),
    "process_compliance": (1.00, HIGHER),
    "stakeholder_confidence": (0.80, HIGHER),
    "qualified_inquiries": (None, HIGHER),
    "inquiry_response_12h": (1.00, HIGHER),
    "inquiry_to_quote_rate": (0.60, HIGHER),
    "quote_to_purchase_rate": (0.40, HIGHER),
    "first_contact_resolution": (0.80, HIGHER),
    "lead_response_hours": (4.0, LOWER),
    "lead_to_site_visit_rate": (None, HIGHER),
    "proposal_win_rate": (0.35, HIGHER),
    "avg_sales_cycle_days": (90.0, LOWER),
    "new_distributors": (2.0, HIGHER),
    "distributor_order_frequency": (None, HIGHER),
    "avg_order_volume_yoy": (0.10, HIGHER),
    "quality_flag_resolution_hours": (48.0, LOWER),
    "avg_spend_per_customer_yoy": (0.15, HIGHER),
    "repeat_customer_rate": (0.50, HIGHER),
    "online_review_score": (4.5, HIGHER),
}


def target_for(settings: Settings | None, division: str, kpi_id: str) -> tuple[float | None, Direction]:
    """(target, direction) of ``kpi_id`` in ``division``: settings' override, else the default."""
    default, direction = DEFAULTS[kpi_id]
    if settings is None:
        return default, direction
    return settings.target(division, kpi_id, default), direction
