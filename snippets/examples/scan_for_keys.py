"""Scan a pasted log and notebook output for credential-shaped strings.

Run it with `python -m snippets.examples.scan_for_keys` to scan the sample below, or give it
a file: `python -m snippets.examples.scan_for_keys notebook.ipynb`. Every credential below is a published
documentation example (Binance's, Kraken's) or obviously fake; none opens any account.
"""

import sys
from pathlib import Path

from snippets.keyscan import scan

SAMPLE = """\
DEBUG send: GET /api/v3/account?timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71
DEBUG header X-MBX-APIKEY: vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A
Out[3]: {'binance_secret': 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j'}
KRAKEN_PRIVATE_KEY=kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==
order id 8f3c: filled 0.5 of 1 (not a secret: too short)
export BYBIT_API_SECRET=TESTKEYDONOTUSETESTKEYDONOTUSETESTKEYDONOTUSETESTKEYDONOTUSE1234
"""


def main() -> None:
    text = Path(sys.argv[1]).read_text(errors="replace") if len(sys.argv) > 1 else SAMPLE
    for f in scan(text):
        near = f"near '{f.near}'" if f.near else "no exchange named nearby"
        note = " (only hex: maybe a signature or hash)" if f.maybe_not_secret else ""
        print(f"line {f.line}: {f.shape}, {near}: {f.masked}{note}")


if __name__ == "__main__":
    main()
