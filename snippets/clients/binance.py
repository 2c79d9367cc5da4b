"""Point ccxt and python-binance at a Binance-compatible base URL: localnet, or Binance's Spot testnet.

localnet's Binance is at http://127.0.0.1:8101 by default; the Spot testnet at
https://testnet.binance.vision. Only the base URL changes: signing is the libraries' own.
"""

import ccxt
from binance.client import Client


# --8<-- [start:ccxt]
def ccxt_client(base_url: str, api_key: str, secret: str) -> ccxt.binance:
    """ccxt's Binance class, spot only, talking to `base_url`."""
    exchange = ccxt.binance({
        "apiKey": api_key,
        "secret": secret,
        # Spot only: otherwise load_markets() also asks for futures, margin and wallet endpoints.
        "options": {"fetchMarkets": {"types": ["spot"]}, "fetchCurrencies": False, "fetchMargins": False},
    })
    # Set the URLs last: set_sandbox_mode(True) would replace them.
    exchange.urls["api"]["public"] = base_url + "/api/v3"
    exchange.urls["api"]["private"] = base_url + "/api/v3"
    return exchange
# --8<-- [end:ccxt]


# --8<-- [start:python-binance]
def python_binance_client(base_url: str, api_key: str, secret: str) -> Client:
    """python-binance's Client, talking to `base_url`."""
    client = Client(api_key, secret, ping=False)  # ping=False: no call to the real Binance at creation
    client.API_URL = base_url + "/api"
    client.MARGIN_API_URL = base_url + "/sapi"  # used by get_account_api_permissions()
    return client
# --8<-- [end:python-binance]
