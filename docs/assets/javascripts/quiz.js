/* Quizzes made by hooks/quiz.py: check the chosen answer, say whether it is right, and open the
 * explanation. One listener on the document, so it works across Material's instant navigation.
 * Without JavaScript the "Answer and explanation" disclosure still works on its own. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".kl-quiz__check") : null;
    if (!button) {
      return;
    }
    var quiz = button.closest(".kl-quiz");
    var verdict = quiz.querySelector(".kl-quiz__verdict");
    var chosen = quiz.querySelector("input[type=radio]:checked");
    quiz.querySelectorAll(".kl-quiz__option").forEach(function (option) {
      option.classList.remove("kl-quiz__option--right", "kl-quiz__option--wrong");
    });
    if (!chosen) {
      verdict.textContent = "Choose an answer first.";
      return;
    }
    var answer = quiz.getAttribute("data-answer");
    var options = quiz.querySelectorAll(".kl-quiz__option");
    var right = chosen.value === answer;
    options[Number(answer)].classList.add("kl-quiz__option--right");
    if (!right) {
      chosen.closest(".kl-quiz__option").classList.add("kl-quiz__option--wrong");
    }
    verdict.textContent = right ? "Correct." : "Not quite. The explanation below says why.";
    quiz.querySelector(".kl-quiz__explanation").open = true;
  });
})();
