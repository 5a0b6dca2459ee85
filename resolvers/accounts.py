"""The therapist's public booking-page address (it follows the deployment's public app URL)."""

from __future__ import annotations

from domain.model import Therapist
from resolvers.context import Context


def booking_page_url(ctx: Context, therapist: Therapist) -> str:
    return f"{ctx.services.config.public_app_url.rstrip('/')}/book/{therapist.username}"
