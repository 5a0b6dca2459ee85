"""Fees and payments in minor units (cents) with ISO 4217 currency codes."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from domain.errors import ErrorCode, UserError

# Active ISO 4217 codes (2026). Data, not logic: update when the standard changes.
CURRENCIES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
    KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
    MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD
    TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG""".split()
)
MAX_AMOUNT_CENTS = 100_000_000  # a million in major units: far above any session fee


class PaymentStatus(StrEnum):
    NO_FEE = "NO_FEE"
    UNPAID = "UNPAID"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"


class ClaimStatus(StrEnum):
    NONE = "NONE"
    SUBMITTED = "SUBMITTED"
    PAID = "PAID"
    DENIED = "DENIED"


def payment_status(fee_cents: int | None, payments_cents: Iterable[int]) -> PaymentStatus:
    """Derived, never stored: the fee against what has been recorded as paid."""
    if not fee_cents:
        return PaymentStatus.NO_FEE
    paid = sum(payments_cents)
    if paid <= 0:
        return PaymentStatus.UNPAID
    return PaymentStatus.PAID if paid >= fee_cents else PaymentStatus.PARTIALLY_PAID


def amount_errors(cents: int, field: tuple[str, ...], *, allow_zero: bool) -> list[UserError]:
    if cents < 0 or (cents == 0 and not allow_zero):
        return [UserError(field, ErrorCode.OUT_OF_RANGE, "The amount must be positive.")]
    if cents > MAX_AMOUNT_CENTS:
        return [UserError(field, ErrorCode.OUT_OF_RANGE, "The amount is too large.")]
    return []


def currency_errors(code: str, field: tuple[str, ...] = ("currency",)) -> list[UserError]:
    if code not in CURRENCIES:
        return [UserError(field, ErrorCode.UNKNOWN_CURRENCY, "Use an ISO 4217 code such as USD.")]
    return []
