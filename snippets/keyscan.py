"""Find strings shaped like exchange credentials in a text, and report them masked.

A scanner cannot know whether a string *is* a secret; it can only say that it has the
shape of one. Binance-style keys and secrets are 64 letters and digits with no prefix,
so the scanner also reports which exchange name appears just before a match: `BINANCE_SECRET=`
followed by 64 characters is far more suspicious than 64 characters alone. Shorter, common
shapes (Bybit's 18- and 36-character keys, OKX's UUID keys and 32-digit hex secrets) are only
reported when an exchange or a word such as `secret` or `api_key` comes just before them.

A match made only of lower-case hex digits may just as well be a signature or a SHA-256 hash,
and says so; a value such as `your-secret-here`, `<secret>` or `xxxxxxxx` is a placeholder, and
says so too. Each finding carries the SHA-256 fingerprint of the string, so that a list of
reviewed strings (an allow-list) can name them without containing them.

Run `python -m snippets.keyscan [paths...]` to scan files (see snippets/keyscan_cli.py).
"""

import hashlib
import html
import re
from bisect import bisect_left
from dataclasses import dataclass

from snippets.show import mask

# --8<-- [start:shapes]
EXCHANGES = ("binance", "bybit", "okx", "kraken", "coinbase")
# Words that make a short, common-looking string suspicious when they come just before it.
SECRET_WORDS = ("secret", "api_key", "apikey", "api-key", "passphrase", "access-key")
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


@dataclass(frozen=True)
class Shape:
    """What a credential looks like: a pattern whose group `value` is the string itself."""

    pattern: re.Pattern[str]
    needs: tuple[str, ...] = ()  # if set, one of these words must come just before the string


def shape(regex: str, needs: tuple[str, ...] = (), flags: int = 0) -> Shape:
    return Shape(re.compile(regex, flags), needs)


# In this order: a string is reported once, under the first shape that matches it.
SHAPES: dict[str, Shape] = {
    # Any private key in PEM form: Coinbase's EC keys, Ed25519 and RSA keys, SSH keys. The value is
    # the key's body: up to its END line, or else the base64 lines after the BEGIN line.
    "PEM private key": shape(
        r"-----BEGIN (?P<kind>(?:[A-Z0-9]+ )*)PRIVATE KEY-----"
        r"(?P<value>.{0,10000}?(?=-----END (?P=kind)PRIVATE KEY-----)|(?:\s*[A-Za-z0-9+/]{16,}={0,2})*)",
        flags=re.S),
    # A signed JSON Web Token (header.claims.signature), such as a Coinbase request token. A weaker
    # signal: Coinbase's expire after two minutes, but other services issue long-lived ones.
    "signed JWT": shape(r"(?P<value>eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{20,})"),
    # Coinbase CDP key names: organizations/{org_id}/apiKeys/{key_id}.
    "Coinbase key name": shape(rf"(?P<value>organizations/{UUID}/apiKeys/{UUID})"),
    # Kraken private keys and Coinbase Ed25519 secrets: 64 random bytes as 88 base64 characters.
    "88 base64 characters": shape(r"(?<![A-Za-z0-9+/])(?P<value>[A-Za-z0-9+/]{86}==)"),
    # Binance API keys and HMAC secrets: exactly 64 letters and digits (not part of a longer base64 text).
    "64 letters and digits": shape(r"(?<![A-Za-z0-9+/])(?P<value>[A-Za-z0-9]{64})(?![A-Za-z0-9+/])"),
    # OKX API keys are UUIDs and OKX secrets 32 upper-case hex digits; Bybit API keys are 18 letters
    # and digits, Bybit secrets 36. All common shapes, so they count only after a name.
    "UUID (OKX-style API key)": shape(
        rf"(?<![\w-])(?P<value>{UUID})(?![\w-])", needs=("okx", *SECRET_WORDS)),
    "32 hex digits (OKX-style secret)": shape(
        r"(?<![\w-])(?P<value>[0-9A-F]{32})(?![\w-])", needs=("okx", *SECRET_WORDS)),
    "36 letters and digits (Bybit-style secret)": shape(
        r"(?<![\w-])(?P<value>[A-Za-z0-9]{36})(?![\w-])", needs=("bybit", *SECRET_WORDS)),
    "18 letters and digits (Bybit-style key)": shape(
        r"(?<![\w-])(?P<value>[A-Za-z0-9]{18})(?![\w-])", needs=("bybit", *SECRET_WORDS)),
    # NAME=value as in a .env file, for names that say what they hold: BINANCE_API_SECRET=...,
    # OKX_DEMO_API_PASSPHRASE=... An unquoted value counts only with no spaces around "=".
    "secret assignment": shape(
        r"(?<![\w-])[A-Z][A-Z0-9_]*(?:SECRET|API_KEY|APIKEY|PASSPHRASE|PRIVATE_KEY)[A-Z0-9_]*"
        r"(?:=|[ \t]*=[ \t]*(?=['\"]))(?P<quote>['\"])?(?P<value>[^\s'\"`\\<>]+)"
        r"(?(quote)(?P=quote)|(?=[\s#;,)<&`]|\Z))"),
}
# Only hex digits: a signature or a hash, unless a name before it says it is a key.
HEX = re.compile(r"[0-9a-f]+|[0-9A-F]+")
NAMED_KEY = re.compile(r"(?:secret|private|seed)[\w.\[\]'\"-]*\s*[:=]\s*(?:bytes\.fromhex\()?['\"]?$")
# Stand-ins rather than values: `...`, `<secret>`, `$VAR`, `your-key-here`, `changeme`.
PLACEHOLDER = re.compile(
    r"\.\.\.|…|^[<{$%]|(?:^|[\W_])(?:your|here)(?:[\W_]|$)|changeme|placeholder|redacted", re.I)
BASE64_LINE = re.compile(r"[A-Za-z0-9+/]{40}")  # a PEM body without one is a stand-in too
# --8<-- [end:shapes]


@dataclass(frozen=True)
class Finding:
    """One suspicious string: where it is, what it looks like, a masked copy and its fingerprint."""

    line: int
    shape: str
    masked: str
    near: str | None  # an exchange named in the 40 characters before it, if any
    maybe_not_secret: bool  # lower-case hex only: could be a signature or a hash
    placeholder: bool  # `your-secret-here`, `<secret>`, `xxxx...`: a stand-in, not a value
    fingerprint: str  # SHA-256 (hex) of the string: safe to store in an allow-list


def fingerprint(value: str) -> str:
    """The SHA-256 of `value`, in hex: names a string without revealing it."""
    return hashlib.sha256(value.encode()).hexdigest()


def pem_body(raw: str) -> str:
    """The base64 of a PEM key's body, however it is written: in a file, a string with \\n
    escapes, a notebook's JSON or highlighted HTML. Tags, quotes and escapes are dropped."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", raw))
    text = re.sub(r"\\[nrt]", " ", text)
    return "".join(part for part in re.findall(r"[A-Za-z0-9+/=]+", text) if len(part) >= 4)


def is_placeholder(value: str) -> bool:
    """True for stand-ins: `...`, `<...>`, `$VAR`, `your-secret-here`, or hardly any distinct characters."""
    return PLACEHOLDER.search(value) is not None or len(set(re.sub(r"[\W_]", "", value.lower()))) <= 3


class _Newlines:
    """Line numbers of positions in a text, found by bisection (texts can hold thousands of matches)."""

    def __init__(self, text: str) -> None:
        self.offsets = [newline.start() for newline in re.finditer("\n", text)]

    def line_of(self, position: int) -> int:
        return bisect_left(self.offsets, position) + 1


class _Spans:
    """Character ranges already reported (never overlapping), so a string is reported only once."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end)  # the ranges starting before `end`; the last ends latest
        return i > 0 and self.ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        i = bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


# --8<-- [start:scan]
def judge(name: str, match: re.Match[str], text: str, context: int, line: int) -> Finding | None:
    """The finding for one match, or None for a short shape with no name just before it."""
    value = match.group("value")
    if name == "PEM private key":
        value = pem_body(value)
    before = text[max(0, match.start("value") - context):match.start("value")].lower()
    if SHAPES[name].needs and not any(word in before for word in SHAPES[name].needs):
        return None
    return Finding(
        line=line,
        shape=name,
        masked=mask(value),
        near=next((exchange for exchange in EXCHANGES if exchange in before), None),
        maybe_not_secret=(name == "64 letters and digits" and HEX.fullmatch(value) is not None
                          and not NAMED_KEY.search(before)),
        placeholder=is_placeholder(value) or (name == "PEM private key" and not BASE64_LINE.search(value)),
        fingerprint=fingerprint(value),
    )


def scan(text: str, context: int = 40) -> list[Finding]:
    """Return every credential-shaped string in `text`, in order, never in full."""
    findings, seen, newlines = [], _Spans(), _Newlines(text)
    for name, shape in SHAPES.items():
        for match in shape.pattern.finditer(text):
            if seen.overlaps(*match.span()):
                continue  # already reported under an earlier shape
            finding = judge(name, match, text, context, line=newlines.line_of(match.start()))
            if finding:
                seen.add(*match.span())
                findings.append(finding)
    return sorted(findings, key=lambda finding: finding.line)
# --8<-- [end:scan]


if __name__ == "__main__":
    from snippets.keyscan_cli import main

    raise SystemExit(main())
