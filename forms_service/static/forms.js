// The error summary, as the GOV.UK Design System's: after a failed submission the focus
// moves to the summary (screen readers read it, keyboards start from it); a link in it
// focuses its field and scrolls the field's question into view, with the hint and the
// error message below it, rather than leaving the input at the top edge of the window.
(function () {
  "use strict";

  function questionOf(input) {
    var fieldset = input.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    if (legend) {
      if (input.type === "checkbox" || input.type === "radio") return legend;
      // A legend far above its input would push the input off screen: the label then.
      var legendTop = legend.getBoundingClientRect().top;
      var inputRect = input.getBoundingClientRect();
      if (inputRect.top - legendTop + inputRect.height < window.innerHeight) return legend;
    }
    return document.querySelector('label[for="' + input.id + '"]') || input.closest("label");
  }

  function focusTarget(link) {
    var id = decodeURIComponent((link.getAttribute("href") || "").replace(/^#/, ""));
    var input = id && document.getElementById(id);
    if (!input) return false;
    var question = questionOf(input);
    if (!question) return false;
    question.scrollIntoView();
    input.focus({ preventScroll: true });
    return true;
  }

  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a");
      if (link && focusTarget(link)) event.preventDefault();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
