"""Weekly availability over GraphQL: save a day, copy it, and every bad input refused whole."""

from __future__ import annotations

WEEK = "{ me { weeklyAvailability { day unavailable slots { start end } } } }"
SET_DAY = """
mutation S($input: SetDayAvailabilityInput!) {
  setDayAvailability(input: $input) {
    weeklyAvailability { day unavailable slots { start end } }
    userErrors { field code message }
  }
}"""
COPY = """
mutation C($input: CopyDayAvailabilityInput!) {
  copyDayAvailability(input: $input) {
    weeklyAvailability { day unavailable slots { start end } }
    userErrors { field code message }
  }
}"""


def _day(week, name):
    return next(d for d in week if d["day"] == name)


async def _week(api, token):
    return (await api.gql(WEEK, token=token))["me"]["weeklyAvailability"]


async def test_new_account_is_unavailable_every_day(api):
    token, _ = await api.sign_up()
    week = await _week(api, token)
    assert [d["day"] for d in week] == [
        "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
    assert all(d["unavailable"] and d["slots"] == [] for d in week)


async def test_set_day_replaces_slots_sorted_and_touching_allowed(api):
    token, _ = await api.sign_up()
    slots = [{"start": "13:00", "end": "17:00"}, {"start": "09:00", "end": "12:00"},
             {"start": "12:00", "end": "13:00"}]
    payload = (await api.gql(SET_DAY, {"input": {"day": "monday", "slots": slots}}, token=token))[
        "setDayAvailability"]
    assert payload["userErrors"] == []
    monday = _day(payload["weeklyAvailability"], "MONDAY")
    assert monday == {"day": "MONDAY", "unavailable": False, "slots": [
        {"start": "09:00", "end": "12:00"}, {"start": "12:00", "end": "13:00"},
        {"start": "13:00", "end": "17:00"}]}
    # saving without a slot removes it; saving empty makes the day unavailable
    await api.gql(SET_DAY, {"input": {"day": "MONDAY", "slots": slots[:1]}}, token=token)
    assert _day(await _week(api, token), "MONDAY")["slots"] == [{"start": "13:00", "end": "17:00"}]
    await api.gql(SET_DAY, {"input": {"day": "MONDAY", "slots": []}}, token=token)
    assert _day(await _week(api, token), "MONDAY")["unavailable"] is True


async def test_day_until_midnight(api):
    token, _ = await api.sign_up()
    payload = (await api.gql(SET_DAY, {"input": {"day": "FRIDAY", "slots": [
        {"start": "20:00", "end": "24:00"}]}}, token=token))["setDayAvailability"]
    assert payload["userErrors"] == []
    assert _day(payload["weeklyAvailability"], "FRIDAY")["slots"] == [{"start": "20:00", "end": "24:00"}]


async def test_bad_input_is_a_user_error_and_the_day_stays_as_it_was(api):
    token, _ = await api.sign_up()
    original = [{"start": "09:00", "end": "10:00"}]
    await api.gql(SET_DAY, {"input": {"day": "TUESDAY", "slots": original}}, token=token)
    sixteen = [{"start": f"{h:02d}:00", "end": f"{h:02d}:30"} for h in range(16)]
    cases = [
        ({"day": "TUESDAY", "slots": sixteen}, ["slots"], "TOO_MANY_SLOTS"),
        ({"day": "TUESDAY", "slots": [{"start": "09:00", "end": "11:00"},
                                      {"start": "10:30", "end": "12:00"}]},
         ["slots", "1"], "OVERLAPPING_SLOTS"),
        ({"day": "TUESDAY", "slots": [{"start": "11:00", "end": "11:00"}]},
         ["slots", "0", "end"], "INVALID_RANGE"),
        ({"day": "TUESDAY", "slots": [{"start": "12:00", "end": "10:00"}]},
         ["slots", "0", "end"], "INVALID_RANGE"),
        ({"day": "TUESDAY", "slots": [{"start": "9am", "end": "10:00"}]},
         ["slots", "0", "start"], "INVALID_TIME"),
        ({"day": "TUESDAY", "slots": [{"start": "09:00", "end": "25:00"}]},
         ["slots", "0", "end"], "INVALID_TIME"),
        ({"day": "FUNDAY", "slots": []}, ["day"], "UNKNOWN_DAY"),
    ]
    for variables, field, code in cases:
        payload = (await api.gql(SET_DAY, {"input": variables}, token=token))["setDayAvailability"]
        assert {"field": field, "code": code} in [
            {"field": e["field"], "code": e["code"]} for e in payload["userErrors"]], (variables, payload)
        assert _day(payload["weeklyAvailability"], "TUESDAY")["slots"] == original
    assert _day(await _week(api, token), "TUESDAY")["slots"] == original


async def test_copy_day_onto_ticked_days_in_one_go(api):
    token, _ = await api.sign_up()
    slots = [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "18:30"}]
    await api.gql(SET_DAY, {"input": {"day": "MONDAY", "slots": slots}}, token=token)
    await api.gql(SET_DAY, {"input": {"day": "WEDNESDAY", "slots": [{"start": "10:00", "end": "11:00"}]}}, token=token)
    payload = (await api.gql(COPY, {"input": {"fromDay": "MONDAY", "toDays": ["TUESDAY", "WEDNESDAY", "FRIDAY"]}}, token=token))["copyDayAvailability"]
    assert payload["userErrors"] == []
    week = payload["weeklyAvailability"]
    for day in ("MONDAY", "TUESDAY", "WEDNESDAY", "FRIDAY"):
        assert _day(week, day)["slots"] == slots
    assert _day(week, "THURSDAY")["unavailable"]


async def test_copy_with_an_unknown_day_changes_nothing(api):
    token, _ = await api.sign_up()
    await api.gql(SET_DAY, {"input": {"day": "MONDAY", "slots": [{"start": "08:00", "end": "09:00"}]}}, token=token)
    payload = (await api.gql(COPY, {"input": {"fromDay": "MONDAY", "toDays": ["TUESDAY", "Someday"]}}, token=token))["copyDayAvailability"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["toDays", "1"], "UNKNOWN_DAY")]
    assert _day(payload["weeklyAvailability"], "TUESDAY")["unavailable"]


async def test_availability_needs_sign_in(api):
    body = await api.post(SET_DAY, {"input": {"day": "MONDAY", "slots": []}})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_therapists_do_not_see_each_others_hours(api):
    a, _ = await api.sign_up()
    b, _ = await api.sign_up()
    await api.gql(SET_DAY, {"input": {"day": "MONDAY", "slots": [{"start": "08:00", "end": "09:00"}]}}, token=a)
    assert _day(await _week(api, b), "MONDAY")["unavailable"]


SET_WEEK = """
mutation W($input: SetWeeklyAvailabilityInput!) {
  setWeeklyAvailability(input: $input) {
    weeklyAvailability { day unavailable slots { start end } }
    userErrors { field code }
  }
}"""


async def test_the_whole_week_saves_at_once_or_not_at_all(api):
    token, _ = await api.sign_up()
    await api.gql(SET_DAY, {"input": {"day": "SUNDAY", "slots": [{"start": "10:00", "end": "12:00"}]}}, token=token)
    days = [{"day": d, "slots": [{"start": "9:00", "end": "12:30"}, {"start": "13:30", "end": "17:00"}]}
            for d in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY")]
    days.append({"day": "FRIDAY", "slots": [{"start": "08:00", "end": "12:00"}]})
    saved = (await api.gql(SET_WEEK, {"input": {"days": days}}, token=token))["setWeeklyAvailability"]
    assert saved["userErrors"] == []
    week = {d["day"]: d for d in saved["weeklyAvailability"]}
    assert week["MONDAY"]["slots"] == [{"start": "09:00", "end": "12:30"}, {"start": "13:30", "end": "17:00"}]
    assert week["FRIDAY"]["slots"] == [{"start": "08:00", "end": "12:00"}]
    assert week["SUNDAY"]["unavailable"] and week["SATURDAY"]["unavailable"]  # left out: no hours
    # one bad day anywhere: nothing of the week changes
    bad = [{"day": "MONDAY", "slots": []}, {"day": "TUESDAY", "slots": [{"start": "10:00", "end": "9:00"}]},
           {"day": "FUNDAY", "slots": []}, {"day": "monday", "slots": []}]
    refused = (await api.gql(SET_WEEK, {"input": {"days": bad}}, token=token))["setWeeklyAvailability"]
    assert {(tuple(e["field"]), e["code"]) for e in refused["userErrors"]} == {
        (("days", "1", "slots", "0", "end"), "INVALID_RANGE"), (("days", "2", "day"), "UNKNOWN_DAY"),
        (("days", "3", "day"), "INVALID")}
    assert await _week(api, token) == saved["weeklyAvailability"]
