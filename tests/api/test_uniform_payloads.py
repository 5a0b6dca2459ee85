"""Every mutation answers a payload with `userErrors`, signOut and setCalendarView included (#19)."""

from __future__ import annotations


async def test_sign_out_and_set_calendar_view_answer_user_errors(api):
    token, _ = await api.sign_up()
    view = await api.gql("""mutation { setCalendarView(input: {view: WEEK}) { view userErrors { field code } } }""",
                         token=token)
    assert view["setCalendarView"] == {"view": "WEEK", "userErrors": []}
    out = await api.gql("mutation { signOut { signedOut userErrors { field code } } }", token=token)
    assert out["signOut"] == {"signedOut": True, "userErrors": []}
    again = await api.gql("mutation { signOut { signedOut userErrors { code } } }", token=token)
    assert again["signOut"] == {"signedOut": False, "userErrors": []}
