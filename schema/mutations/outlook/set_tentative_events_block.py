"""setTentativeEventsBlock: whether tentative Outlook appointments hide booking slots."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services.external_busy import SetTentativeEventsBlock
from resolvers import outlook
from resolvers.use_cases import run
from schema.common import UserError, user_errors
from schema.outlook import OutlookIntegration


@strawberry.input(description="Whether tentative Outlook appointments block booking slots.")
class SetTentativeEventsBlockInput:
    block: bool = strawberry.field(description="True: a tentative appointment hides the slots it "
                                   "overlaps, like a busy one; false: only busy and away ones do.")

    def to_command(self) -> SetTentativeEventsBlock:
        return SetTentativeEventsBlock(block=self.block)


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
    outcome = await run(info.context, input.to_command())
    if outcome.value is None:
        return SetTentativeEventsBlockPayload(outlook=None, user_errors=user_errors(outcome.errors))
    found = await outlook.status(info.context, outcome.value)
    return SetTentativeEventsBlockPayload(
        outlook=OutlookIntegration.from_domain(found, outlook.available(info.context)), user_errors=[])
