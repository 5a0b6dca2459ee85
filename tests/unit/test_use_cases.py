"""Every command a mutation's input builds has a use case in resolvers/use_cases.USE_CASES: a
missing entry would answer that mutation with a masked internal error instead of running it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing

import schema.mutations
from resolvers.use_cases import USE_CASES, Who


def _input_commands() -> dict[str, type]:
    """`Input.to_command()` (and `to_accept()`…) return types, by where they are declared."""
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(schema.mutations.__path__, "schema.mutations."):
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for method_name, method in inspect.getmembers(cls, inspect.isfunction):
                if method_name.startswith("to_"):
                    hints = typing.get_type_hints(method, vars(module))
                    found[f"{name}.{method_name}"] = hints["return"]
    return found


def test_every_input_command_has_a_use_case():
    commands = _input_commands()
    assert len(commands) >= 30  # the walk found the inputs (36 when this was written)
    missing = {where: c.__name__ for where, c in commands.items() if c not in USE_CASES}
    assert missing == {}


def test_public_use_cases_are_the_ones_meant_to_need_no_sign_in():
    public = sorted(c.__name__ for c, binding in USE_CASES.items() if binding.who is Who.ANYONE)
    assert public == sorted([
        "AcceptInvite", "BookingRequest", "CancelManagedBooking", "ClientSignIn", "RequestReset",
        "ResetPassword", "SignIn", "SignOut", "SignUp", "JoinWaitlist", "ClaimWaitlistHold", "LeaveWaitlist",
    ])  # CancelManagedBooking, ClaimWaitlistHold, LeaveWaitlist: the link's token is the credential
