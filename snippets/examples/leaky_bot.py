"""A trading bot's settings with the secret typed into the code: the mistake keyscan is there to catch.

The value is Binance's published documentation example secret, standing in for a real one.
"""
BINANCE_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
SYMBOL = "BTCUSDT"
