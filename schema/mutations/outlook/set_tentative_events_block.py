"""setTentativeEventsBlock: whether tentative Outlook appointments hide booking slots."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import external_busy, outlook
from schema.common import UserError
from schema.outlook import OutlookIntegration


@strawberry.input(description="Whether tentative Outlook appointments block booking slots.")
class SetTentativeEventsBlockInput:
    block: bool = strawberry.field(description="True: a tentative appointment hides the slots it "
                                   "overlaps, like a busy one; false: only busy and away ones do.")


@strawberry.type(description="The Outlook integration with the choice applied.")
class SetTentativeEventsBlockPayload:
    outlook: OutlookIntegration | None = strawberry.field(description="The integration; applies at once "
                                                          "to the booking page's slots.")
    user_errors: list[UserError] = strawberry.field(description="Empty: the choice can always be made.")


@strawberry.mutation(description="Choose whether tentative Outlook appointments hide booking "
                     "slots (busy and away ones always do; free ones never).")
async def set_tentative_events_block(
    info: strawberry.Info,
    input: Annotated[SetTentativeEventsBlockInput, strawberry.argument(description="The choice.")],
) -> SetTentativeEventsBlockPayload:
    therapist_id = await external_busy.set_tentative_blocks(info.context, input.block)
    found = await outlook.status(info.context, therapist_id)
    return SetTentativeEventsBlockPayload(
        outlook=OutlookIntegration.from_domain(found, outlook.available(info.context)), user_errors=[])
