"""Making identifiers: valid UPNs and ULNs for the synthetic county and the tests. The checks
live in tep_app.validation."""
from tep_app.validation import upn_check_letter


def make_upn(la: int, estab: int, year: int, serial: int) -> str:
    """Build a valid permanent UPN: LA code (3), establishment (4), year (2), serial (3)."""
    body = f"{la:03d}{estab:04d}{year % 100:02d}{serial:03d}"
    assert len(body) == 12
    return upn_check_letter(body) + body


def make_uln(seed: int) -> str:
    """A valid ULN from a number: nine digits then a check digit (skipping seeds with none)."""
    base = 1000000000 + (seed * 7919) % 8999999999
    while True:
        digits = f"{base:010d}"[:9]
        partial = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=False))
        check = (10 - partial) % 11
        if check < 10:
            uln = digits + str(check)
            if uln[0] != "0":
                return uln
        base += 10
