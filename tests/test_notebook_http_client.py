"""The notebooks send their requests through one httpx.Client each, never httpx.get() and friends.

httpx's module-level functions build a new client for every call, and with it a TLS context
that loads the whole certificate bundle (about 30 ms of CPU each time, even for plain http):
over the course that was most of the notebook suite's running time. One client per notebook
sets up once and keeps its connection open.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
ONE_OFF = re.compile(r"\bhttpx\.(get|post|put|patch|delete|head|options|request|stream)\(")
CLIENT = re.compile(r"^(\w+) = httpx\.Client\(", re.M)


def code_cells(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_code_cell_sends_a_one_off_request(path):
    for number, source in enumerate(code_cells(path)):
        assert not ONE_OFF.search(source), f"cell {number} calls httpx.{ONE_OFF.search(source)[1]}(): use the notebook's client"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_client_is_closed_before_the_lab(path):
    cells = code_cells(path)
    closing = next(source for source in reversed(cells) if "lab.close()" in source)
    for name in {name for source in cells for name in CLIENT.findall(source)}:
        closed = [source for source in cells if f"{name}.close()" in source]
        assert closed, f"{name} is never closed"
        if closed[-1] is closing:
            assert closing.index(f"{name}.close()") < closing.index("lab.close()")


def test_the_check_sees_a_one_off_request():
    assert ONE_OFF.search('answer = httpx.get(url + "/api/v3/time")')
    assert not ONE_OFF.search("http = httpx.Client()\nanswer = http.get(url)\ndef f(r: httpx.Response): ...")
