"""Change one byte of a signed request and watch the signature change completely.

An attacker on the way between you and the exchange rewrites `quantity=1` as `quantity=9`.
The request is still perfectly readable and well formed; only its HMAC gives the change
away. The key and secret are the illustrative ones from Binance's API documentation.
Run it with `python -m snippets.examples.one_byte`.
"""

from snippets.binance import sign

SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
SENT = (
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
    "&recvWindow=5000&timestamp=1499827319559"
)


def differing_bytes(a: str, b: str) -> int:
    """How many positions hold different characters (both strings have the same length)."""
    return sum(x != y for x, y in zip(a, b, strict=True))


def differing_bits(hex_a: str, hex_b: str) -> int:
    """How many of the 256 bits differ between two hex-encoded SHA-256 HMACs."""
    return bin(int(hex_a, 16) ^ int(hex_b, 16)).count("1")


def main() -> None:
    received = SENT.replace("quantity=1&", "quantity=9&")  # the attacker's edit: one byte
    sent_sig = sign(SECRET, SENT)
    received_sig = sign(SECRET, received)  # what the exchange computes over what it received

    print("sent:      ", SENT)
    print("received:  ", received)
    print("bytes changed:", differing_bytes(SENT, received), "of", len(SENT))
    print()
    print("signature sent with the request:   ", sent_sig)
    print("signature the exchange recomputes: ", received_sig)
    print("hex digits that differ:", differing_bytes(sent_sig, received_sig), "of 64")
    print("bits that differ:      ", differing_bits(sent_sig, received_sig), "of 256")
    print("exchange's verdict:", "accept" if sent_sig == received_sig else "reject (-1022)")


if __name__ == "__main__":
    main()
