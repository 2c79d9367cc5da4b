"""What a library turns an exchange's error body into: ccxt and pybit against localnet.

A read-only key tries to trade, and a key is used with the wrong secret. The libraries sign
every request themselves; the configurations are the ones the exchange pages show.
"""

import ccxt
from pybit.exceptions import InvalidRequestError

from localnet import client
from snippets.bybit import pybit_client
from snippets.clients.binance import ccxt_client


def order(exchange: ccxt.binance) -> dict:
    """Buy 0.01 BTC at 50000: needs the trade permission."""
    return exchange.create_order("BTC/USDT", "limit", "buy", 0.01, 50000)


def show(label: str, call) -> None:
    """Run `call` and print the exception class and the exchange's own code and message."""
    try:
        call()
        print(f"{label:34} ok")
    except ccxt.BaseError as error:  # ccxt: the class says what kind; the text carries the body
        print(f"{label:34} {type(error).__name__}: {str(error).split(' ', 1)[1]}")
    except InvalidRequestError as error:  # pybit: retCode in status_code, retMsg in message
        print(f"{label:34} {type(error).__name__}: retCode {error.status_code}, {error.message}")


with client.start() as net:
    # Binance through ccxt: one read-only key, then the same key with a wrong secret.
    key = net.create_key("binance", permissions=["read"])
    binance = ccxt_client(net.url("binance"), key["api_key"], key["secret"])
    binance.enableRateLimit = False  # localnet answers at once; against an exchange, keep it on
    show("ccxt binance: create_order first", lambda: order(binance))
    show("ccxt binance: fetch_balance", binance.fetch_balance)
    show("ccxt binance: create_order again", lambda: order(binance))  # same error, another class
    wrong = ccxt_client(net.url("binance"), key["api_key"], "TEST_SECRET_DO_NOT_USE_wrong")
    show("ccxt binance, wrong secret", wrong.fetch_balance)

    # Bybit through its own SDK, pybit: the same two mistakes.
    key = net.create_key("bybit", permissions=["read"])
    bybit = pybit_client(net.url("bybit"), key["api_key"], key["secret"])
    show("pybit: get_wallet_balance", lambda: bybit.get_wallet_balance(accountType="UNIFIED"))
    show("pybit: place_order", lambda: bybit.place_order(
        category="spot", symbol="BTCUSDT", side="Buy", orderType="Limit", qty="0.01", price="50000"))
    wrong = pybit_client(net.url("bybit"), key["api_key"], "TEST_SECRET_DO_NOT_USE_wrong")
    show("pybit, wrong secret", lambda: wrong.get_wallet_balance(accountType="UNIFIED"))
