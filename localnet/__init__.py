"""localnet: a local exchange testnet for KeyLab (run `python -m localnet --help`)."""
