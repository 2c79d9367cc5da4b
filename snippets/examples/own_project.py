"""localnet in your own project: start it from Python, make keys, point ccxt and the SDKs at it.

Run it with `python -m snippets.examples.own_project` after `pip install "keylab[notebooks]"`.
It starts localnet on free ports with a temporary database, then makes one signed balance call
through each library: ccxt for all five exchanges, then python-binance, pybit, python-okx and
coinbase-advanced-py. Only the URLs change; every library signs with its own code.
"""

import ccxt
import requests
from binance.client import Client
from coinbase.rest import RESTClient
from okx import Account
from pybit.unified_trading import HTTP

from localnet.client import start


def ccxt_clients(net) -> dict[str, ccxt.Exchange]:
    """One ccxt client per exchange, each with a new read-only key and its URLs on localnet."""
    keys = {name: net.create_key(name) for name in ("binance", "bybit", "okx", "kraken")}
    keys["coinbase"] = net.create_key("coinbase", type="ed25519")  # Coinbase keys are key pairs

    binance = ccxt.binance({"apiKey": keys["binance"]["api_key"], "secret": keys["binance"]["secret"],
                            "options": {"fetchMarkets": {"types": ["spot"]}, "fetchCurrencies": False,
                                        "fetchMargins": False}})
    binance.urls["api"]["public"] = binance.urls["api"]["private"] = net.url("binance") + "/api/v3"

    bybit = ccxt.bybit({"apiKey": keys["bybit"]["api_key"], "secret": keys["bybit"]["secret"],
                        "options": {"fetchMarkets": {"types": ["spot"]}, "defaultType": "spot"}})
    bybit.urls["api"] = {name: net.url("bybit") for name in ("spot", "futures", "v2", "public", "private")}

    okx = ccxt.okx({"apiKey": keys["okx"]["api_key"], "secret": keys["okx"]["secret"],
                    "password": keys["okx"]["passphrase"]})
    okx.set_sandbox_mode(True)  # first: it adds the demo-trading header and would reset the URLs
    okx.urls["api"] = {"rest": net.url("okx")}

    kraken = ccxt.kraken({"apiKey": keys["kraken"]["api_key"], "secret": keys["kraken"]["secret"]})
    kraken.urls["api"]["public"] = kraken.urls["api"]["private"] = net.url("kraken")

    coinbase = ccxt.coinbase({"apiKey": keys["coinbase"]["api_key"], "secret": keys["coinbase"]["private_key"]})
    coinbase.urls["api"]["rest"] = net.url("coinbase")

    clients = {"binance": binance, "bybit": bybit, "okx": okx, "kraken": kraken, "coinbase": coinbase}
    for client in clients.values():
        client.enableRateLimit = False  # localnet answers at once; against an exchange, keep it on
    return clients


class PlainHttpSession(requests.Session):
    """coinbase-advanced-py always builds https:// URLs; localnet serves plain http."""

    def request(self, method, url, *args, **kwargs):
        return super().request(method, url.replace("https://", "http://", 1), *args, **kwargs)


def sdk_balances(net) -> None:
    """One signed balance call with each exchange's own SDK."""
    key = net.create_key("binance")
    client = Client(key["api_key"], key["secret"], ping=False)  # ping=False: no call at creation
    client.API_URL = net.url("binance") + "/api"
    free = {b["asset"]: b["free"] for b in client.get_account()["balances"]}
    print(f"python-binance        BTC {free['BTC']}, USDT {free['USDT']}")

    key = net.create_key("bybit")
    session = HTTP(testnet=False, api_key=key["api_key"], api_secret=key["secret"])
    session.endpoint = net.url("bybit")
    coins = session.get_wallet_balance(accountType="UNIFIED")["result"]["list"][0]["coin"]
    wallet = {c["coin"]: c["walletBalance"] for c in coins}
    print(f"pybit                 BTC {wallet['BTC']}, USDT {wallet['USDT']}")

    key = net.create_key("okx")
    account = Account.AccountAPI(key["api_key"], key["secret"], key["passphrase"], flag="1", domain=net.url("okx"))
    details = account.get_account_balance(ccy="BTC,USDT")["data"][0]["details"]
    available = {d["ccy"]: d["availBal"] for d in details}
    print(f"python-okx            BTC {available['BTC']}, USDT {available['USDT']}")

    key = net.create_key("coinbase", type="ed25519")
    rest = RESTClient(api_key=key["api_key"], api_secret=key["private_key"],
                      base_url=net.url("coinbase").split("://", 1)[1])  # host:port, no scheme
    rest.session = PlainHttpSession()
    accounts = rest.get_accounts().to_dict()["accounts"]
    held = {a["currency"]: a["available_balance"]["value"] for a in accounts}
    print(f"coinbase-advanced-py  BTC {held['BTC']}, USDT {held['USDT']}")


def main() -> None:
    with start() as net:  # or connect(): reuse the localnet `localnet serve` runs
        for name, client in ccxt_clients(net).items():
            total = client.fetch_balance()["total"]
            print(f"ccxt {name:16} BTC {total.get('BTC', 0)}, USDT {total.get('USDT', 0)}")
        sdk_balances(net)


if __name__ == "__main__":
    main()
