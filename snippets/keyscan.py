"""Find strings shaped like exchange credentials in a text, and report them masked.

A scanner cannot know whether a string *is* a secret; it can only say that it has the
shape of one. Binance-style keys and secrets are 64 letters and digits with no prefix,
so the scanner also reports which exchange name appears just before a match: `BINANCE_SECRET=`
followed by 64 characters is far more suspicious than 64 characters alone. A match made only
of lower-case hex digits may just as well be a signature or a SHA-256 hash, and says so.
"""

import re
from dataclasses import dataclass

from snippets.show import mask

# --8<-- [start:shapes]
SHAPES: dict[str, re.Pattern[str]] = {
    # Binance API keys and HMAC secrets (and Bybit-style ones): exactly 64 letters and digits.
    "64 letters and digits": re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])"),
    # Kraken private keys: 64 random bytes written as 88 characters of base64, ending in "==".
    "88 base64 characters": re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}=="),
    # Coinbase (ECDSA) and Binance/Bybit (Ed25519, RSA) private keys in PEM form.
    "PEM private key": re.compile(r"-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY-----"),
}
EXCHANGES = ("binance", "bybit", "okx", "kraken", "coinbase")
HEX = re.compile(r"[0-9a-f]+")
# --8<-- [end:shapes]


@dataclass(frozen=True)
class Finding:
    """One suspicious string: where it is, what it looks like, and a masked copy."""

    line: int
    shape: str
    masked: str
    near: str | None  # an exchange named in the 40 characters before it, if any
    maybe_not_secret: bool  # lower-case hex only: could be a signature or a hash


# --8<-- [start:scan]
def scan(text: str, context: int = 40) -> list[Finding]:
    """Return every credential-shaped string in `text`, in order, never in full."""
    findings = []
    for shape, pattern in SHAPES.items():
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - context):match.start()].lower()
            near = next((name for name in EXCHANGES if name in before), None)
            findings.append(Finding(
                line=text.count("\n", 0, match.start()) + 1,
                shape=shape,
                masked=mask(match.group()),
                near=near,
                maybe_not_secret=HEX.fullmatch(match.group()) is not None,
            ))
    return sorted(findings, key=lambda finding: finding.line)
# --8<-- [end:scan]
