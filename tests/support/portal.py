"""The client portal in tests: its operations, a booked client who accepted the invite, and the
mutations the email tests send (cancel, reminder settings, a note)."""

from __future__ import annotations

from tests.support.mail import link_in, token_of

INVITE = """mutation I($input: InviteClientToPortalInput!) {
  inviteClientToPortal(input: $input) { invited userErrors { field code } } }"""
ACCEPT = """mutation A($input: AcceptPortalInviteInput!) {
  acceptPortalInvite(input: $input) { token firstName userErrors { field code } } }"""
CLIENT_SIGN_IN = """mutation S($input: ClientSignInInput!) {
  clientSignIn(input: $input) { token firstName userErrors { field code } } }"""
MY_SESSIONS = """{ mySessions { firstName
  upcoming { id start localStart timeZone visitType meetingUrl cancelled therapistDisplayName }
  past { id start cancelled } } }"""
CANCEL_MINE = """mutation C($input: CancelMySessionInput!) {
  cancelMySession(input: $input) { session { id cancelled } userErrors { field code message } } }"""
CANCEL = """mutation C($input: CancelSessionInput!) {
  cancelSession(input: $input) { userErrors { field code } } }"""
REMINDERS = """mutation R($input: UpdateReminderSettingsInput!) {
  updateReminderSettings(input: $input) { reminderSettings { enabled lead leadMinutes alsoDayBefore }
    userErrors { field code } } }"""
NOTE = """mutation N($input: WriteSessionNoteInput!) {
  writeSessionNote(input: $input) { __typename } }"""



async def portal_client(api, inbox, b) -> str:
    """Invite the booked client and accept: their portal token."""
    data = await api.gql(INVITE, {"input": {"clientId": b["client_id"]}}, token=b["token"])
    assert data["inviteClientToPortal"] == {"invited": True, "userErrors": []}
    [invite] = await inbox.wait_for(b["client_email"], "invited you")
    token = token_of(link_in(invite, "/portal/invite"))
    accepted = (await api.gql(ACCEPT, {"input": {"token": token, "password": "a long portal secret"}}))
    assert accepted["acceptPortalInvite"]["userErrors"] == [], accepted
    return accepted["acceptPortalInvite"]["token"]
