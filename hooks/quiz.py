"""Turn ```quiz fences into small accessible quizzes (mkdocs hook).

A quiz fence holds one question:

    ```quiz
    A tax app asks for your API key. Which permission should it have?
    - [x] Read only
    - [ ] Read and trade
    > Tax software only reads your history, so a leak exposes information but not money.
    ```

The first lines are the question, each `- [ ]` / `- [x]` line an option (exactly one `[x]`),
and the `> ` lines the explanation. The result is a fieldset of radio buttons with a visible
legend, a "Check answer" button, a live region for the verdict, and a <details> holding the
answer and its explanation, which also works with JavaScript turned off. `code` spans are
kept; everything else is escaped. A malformed quiz is a build warning (an error under --strict).
"""

from __future__ import annotations

import html
import logging
import re

log = logging.getLogger("mkdocs.hooks.quiz")

FENCE = re.compile(r"^```quiz[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
OPTION = re.compile(r"^- \[( |x|X)\] (.+)$")


class QuizError(ValueError):
    """The quiz block is malformed; the message says how."""


def inline(text: str) -> str:
    """Escape text, keeping `code` spans as <code>."""
    parts = re.split(r"(`[^`]+`)", text)
    return "".join(
        f"<code>{html.escape(p[1:-1])}</code>" if p.startswith("`") and p.endswith("`") and len(p) > 1
        else html.escape(p)
        for p in parts
    )


def parse(block: str) -> tuple[str, list[str], int, str]:
    """(question, options, index of the correct option, explanation) of one quiz block."""
    question, options, correct, explanation = [], [], [], []
    for raw in block.strip("\n").splitlines():
        line = raw.strip()
        if not line:
            continue
        option = OPTION.match(line)
        if option:
            if explanation:
                raise QuizError("options must come before the explanation")
            if option.group(1) in "xX":
                correct.append(len(options))
            options.append(option.group(2).strip())
        elif line.startswith(">"):
            explanation.append(line[1:].strip())
        elif options:
            raise QuizError(f"unexpected line after the options: {line!r}")
        else:
            question.append(line)
    if not question:
        raise QuizError("the question is missing")
    if not 2 <= len(options) <= 6:
        raise QuizError("a quiz needs 2 to 6 options")
    if len(correct) != 1:
        raise QuizError("exactly one option must be marked [x]")
    if not explanation:
        raise QuizError("the explanation (lines starting with '> ') is missing")
    return " ".join(question), options, correct[0], " ".join(explanation)


def render(block: str, quiz_id: str, number: int) -> str:
    question, options, correct, explanation = parse(block)
    radios = "\n".join(
        f'<label class="kl-quiz__option"><input type="radio" name="{quiz_id}" value="{i}"> '
        f"<span>{inline(text)}</span></label>"
        for i, text in enumerate(options)
    )
    return (
        f'<div class="kl-quiz" data-answer="{correct}">\n'
        f'<fieldset>\n<legend id="{quiz_id}-q">Question {number}: {inline(question)}</legend>\n'
        f'<div class="kl-quiz__options">\n{radios}\n</div>\n'
        f'<button type="button" class="md-button kl-quiz__check" aria-describedby="{quiz_id}-q">'
        "Check answer</button>\n"
        f'<p class="kl-quiz__verdict" role="status" aria-live="polite"></p>\n'
        f'<details class="kl-quiz__explanation">\n<summary>Answer and explanation</summary>\n'
        f"<p><strong>Answer:</strong> {inline(options[correct])}</p>\n<p>{inline(explanation)}</p>\n"
        "</details>\n</fieldset>\n</div>"
    )


def on_page_markdown(markdown: str, page, config, files) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", page.file.src_uri.lower()).strip("-")
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        count += 1
        try:
            return render(match.group(1), f"quiz-{slug}-{count}", count)
        except QuizError as exc:
            log.warning("%s: quiz %d: %s", page.file.src_uri, count, exc)
            return match.group(0)

    return FENCE.sub(replace, markdown)
