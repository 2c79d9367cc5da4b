"""The build hook that turns ```quiz fences into accessible quizzes."""

import importlib.util
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("quiz_hook", ROOT / "hooks/quiz.py")
quiz = importlib.util.module_from_spec(spec)
spec.loader.exec_module(quiz)

PAGE = SimpleNamespace(file=SimpleNamespace(src_uri="keys/permissions.md"))
GOOD = """Intro.

```quiz
Which permission does a `tax` app need?
- [x] Read only
- [ ] Read and <trade>
- [ ] Withdraw
> It only reads history; `trade` would let it
> place orders.
```

Between.

```quiz
Second question?
- [ ] No
- [x] Yes
> Because.
```
"""


def test_each_fence_becomes_a_labelled_fieldset_with_its_answer():
    out = quiz.on_page_markdown(GOOD, PAGE, None, None)
    assert "```quiz" not in out and "Intro." in out and "Between." in out
    assert out.count('<div class="kl-quiz" data-answer="0">') == 1
    assert out.count('<div class="kl-quiz" data-answer="1">') == 1
    assert '<legend id="quiz-keys-permissions-md-1-q">Question 1: Which permission does a <code>tax</code> app need?' in out
    assert 'name="quiz-keys-permissions-md-2"' in out  # each question its own radio group
    assert "Read and &lt;trade&gt;" in out  # text is escaped
    assert "<strong>Answer:</strong> Read only" in out
    assert "It only reads history; <code>trade</code> would let it place orders." in out
    assert out.count('type="radio"') == 5
    assert out.count('role="status"') == 2


@pytest.mark.parametrize("block, problem", [
    ("Q?\n- [ ] a\n- [ ] b\n> why", "exactly one"),
    ("Q?\n- [x] a\n- [x] b\n> why", "exactly one"),
    ("Q?\n- [x] a\n> why", "2 to 6"),
    ("Q?\n- [x] a\n- [ ] b", "explanation"),
    ("- [x] a\n- [ ] b\n> why", "question is missing"),
    ("Q?\n- [x] a\n> why\n- [ ] b", "before the explanation"),
])
def test_malformed_quizzes_are_build_warnings(block, problem, caplog):
    text = f"```quiz\n{block}\n```\n"
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.quiz"):
        out = quiz.on_page_markdown(text, PAGE, None, None)
    assert out == text
    assert problem in caplog.text and "keys/permissions.md: quiz 1" in caplog.text
