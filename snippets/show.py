"""Show credentials safely: enough to recognise them, never enough to use them."""


def mask(credential: str, keep: int = 4) -> str:
    """Return the first and last `keep` characters of `credential` and its length.

    Short values are hidden completely, since showing eight characters of a
    ten-character secret would give most of it away.
    """
    if len(credential) < 4 * keep:
        return f"{'*' * 8} ({len(credential)} characters)"
    return f"{credential[:keep]}…{credential[-keep:]} ({len(credential)} characters)"
