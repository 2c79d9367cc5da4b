"""snippets/backoff.py: which answers are retried, how long it waits, and what is raised at once."""

import time

import httpx
import pytest

from localnet import client
from snippets import bybit
from snippets.backoff import (ExchangeError, RateLimited, Reply, UnknownOutcome, backoff_delay,
                              call_with_retry, error_code, server_wait_s)

OK = Reply(200, {"code": "0", "data": []})
NOW = 1_700_000_000_000


class Script:
    """A fake `send`: returns (or raises) the given answers in order and counts the calls."""

    def __init__(self, *answers):
        self.answers, self.calls = list(answers), 0

    def __call__(self):
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def run(send, **kwargs):
    slept = []
    kwargs.setdefault("rng", lambda: 1.0)
    reply = call_with_retry(send, sleep=slept.append, now_ms=lambda: NOW, **kwargs)
    return reply, slept


def test_delays_double_up_to_the_cap_and_jitter_scales_them():
    assert [backoff_delay(n, rng=lambda: 1.0) for n in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert [backoff_delay(n, rng=lambda: 0.5) for n in range(3)] == [0.25, 0.5, 1.0]
    assert backoff_delay(3, rng=lambda: 0.0) == 0.0
    assert all(0 <= backoff_delay(4) <= 8 for _ in range(100))


@pytest.mark.parametrize("reply, code", [
    (Reply(400, {"code": -1022, "msg": "Signature for this request is not valid."}), "-1022"),
    (Reply(200, {"retCode": 10005, "retMsg": "Permission denied"}), "10005"),
    (Reply(200, {"retCode": 0, "retMsg": "OK"}), None),
    (Reply(401, {"msg": "Invalid OK-ACCESS-KEY", "code": "50111"}), "50111"),
    (Reply(200, {"code": "0", "data": []}), None),
    (Reply(200, {"error": ["EAPI:Invalid nonce"]}), "EAPI:Invalid nonce"),
    (Reply(200, {"error": [], "result": {}}), None),
    (Reply(401, "Unauthorized\n"), "HTTP 401"),
    (Reply(403, {"error": "PERMISSION_DENIED", "message": "Missing required scopes"}), "PERMISSION_DENIED"),
    (Reply(429, {"error": "RESOURCE_EXHAUSTED", "message": "Too many requests"}), "RESOURCE_EXHAUSTED"),
    (Reply(200, {"accounts": []}), None),
])
def test_error_code_reads_each_exchanges_envelope(reply, code):
    assert error_code(reply) == code


def test_binance_429_waits_retry_after_then_succeeds():
    limited = Reply(429, {"code": -1003, "msg": "Too much request weight used"}, {"Retry-After": "3"})
    reply, slept = run(Script(limited, OK))
    assert reply is OK and slept == [3.0]


def test_bybit_10006_waits_until_the_reset_timestamp():
    limited = Reply(200, {"retCode": 10006, "retMsg": "Too many visits!"},
                    {"X-Bapi-Limit-Reset-Timestamp": str(NOW + 750)})
    reply, slept = run(Script(limited, OK))
    assert reply is OK and slept == [0.75]


def test_bybit_reset_header_on_a_normal_answer_is_not_a_wait():
    assert server_wait_s(Reply(200, {"retCode": 0}, {"X-Bapi-Limit-Reset-Timestamp": str(NOW)}), NOW) is None


@pytest.mark.parametrize("limited", [
    Reply(429, {"code": "50011", "msg": "Too Many Requests"}),  # OKX
    Reply(200, {"error": ["EAPI:Rate limit exceeded"]}),  # Kraken
    Reply(429, {"error": "RESOURCE_EXHAUSTED", "message": "Too many requests"}),  # Coinbase
])
def test_without_a_server_hint_the_delays_grow(limited):
    reply, slept = run(Script(limited, limited, limited, OK))
    assert reply is OK and slept == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("refusal", [
    Reply(401, {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}),
    Reply(400, {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}),
    Reply(200, {"retCode": 10003, "retMsg": "API key is invalid."}),
    Reply(401, {"msg": "Invalid Sign", "code": "50113"}),
    Reply(200, {"error": ["EGeneral:Permission denied"]}),
    Reply(401, "Unauthorized\n"),
])
def test_other_errors_are_raised_at_once_without_sleeping(refusal):
    send = Script(refusal, OK)
    slept = []
    with pytest.raises(ExchangeError) as error:
        call_with_retry(send, sleep=slept.append)
    assert send.calls == 1 and slept == []
    assert error.value.reply is refusal


def test_gives_up_after_the_last_attempt():
    limited = Reply(429, {"code": "50011"})
    send = Script(*[limited] * 3)
    with pytest.raises(RateLimited, match="50011"):
        run(send, attempts=3)
    assert send.calls == 3


def test_a_ban_longer_than_we_will_wait_is_raised_not_slept():
    banned = Reply(418, {"code": -1003, "msg": "Way too much request weight used; IP banned"}, {"Retry-After": "120"})
    send = Script(banned, OK)
    with pytest.raises(RateLimited) as error:
        run(send, max_wait_s=60)
    assert error.value.wait_s == 120 and send.calls == 1


def test_timeouts_retry_reads_but_never_orders():
    reply, slept = run(Script(TimeoutError("read timed out"), OK), idempotent=True)
    assert reply is OK and slept == [0.5]
    send = Script(TimeoutError("read timed out"), OK)
    with pytest.raises(UnknownOutcome, match="client id"):
        run(send, idempotent=False)
    assert send.calls == 1


def test_server_errors_retry_reads_but_never_orders():
    failed = Reply(503, {"code": -1001, "msg": "Internal error; unable to process your request."})
    reply, slept = run(Script(failed, OK))
    assert reply is OK and slept == [0.5]
    with pytest.raises(UnknownOutcome):
        run(Script(failed, OK), idempotent=False)


def test_rate_limits_are_retried_even_for_orders_because_they_were_refused():
    limited = Reply(200, {"retCode": 10006}, {"X-Bapi-Limit-Reset-Timestamp": str(NOW + 100)})
    reply, slept = run(Script(limited, OK), idempotent=False)
    assert reply is OK and slept == [0.1]


def test_against_localnet_bybit_with_a_lowered_limit():
    """Three signed requests against a limit of one per second: the helper waits, none fails."""
    with client.start(rate_limit=1) as net:
        key = net.create_key("bybit", permissions=["read"])
        url = net.url("bybit")

        def send() -> Reply:  # signs afresh on every attempt: new timestamp, new signature
            query = bybit.query_string({"accountType": "UNIFIED"})
            ts = bybit.timestamp_ms()
            plain = bybit.string_to_sign(ts, key["api_key"], bybit.DEFAULT_RECV_WINDOW, query)
            answer = httpx.get(f"{url}/v5/account/wallet-balance?{query}",
                               headers=bybit.headers(key["api_key"], ts, bybit.sign_hmac(key["secret"], plain)))
            return Reply(answer.status_code, answer.json(), dict(answer.headers))

        slept = []

        def sleep(seconds: float) -> None:
            slept.append(seconds)
            time.sleep(seconds)

        for _ in range(3):
            assert call_with_retry(send, sleep=sleep).body["retCode"] == 0
        assert slept and all(0 <= s <= 1 for s in slept)
