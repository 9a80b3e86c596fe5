// Offer Dutch or English at once to a visitor on a French page whose browser prefers it.
// Never redirects: people and search engines stay where they are; the choice is remembered.
(function () {
  "use strict";
  var KEY = "duo-language-choice";
  var box = document.querySelector("[data-language-offer]");
  var remember = function (lang) {
    try { localStorage.setItem(KEY, lang); } catch (e) { /* private mode: ask again later */ }
  };
  document.addEventListener("click", function (event) {
    var chosen = event.target.closest("[data-choose-lang], .md-select__link[hreflang]");
    if (!chosen) { return; }
    remember(chosen.getAttribute("data-choose-lang") || chosen.getAttribute("hreflang"));
    if (box && chosen.tagName === "BUTTON") {
      box.hidden = true;
      document.documentElement.removeAttribute("data-duo-offer");
    }
  });
  if (!box) { return; }
  try { if (localStorage.getItem(KEY)) { return; } } catch (e) { return; }
  var preferred = (navigator.languages || [navigator.language || ""])
    .map(function (tag) { return String(tag).slice(0, 2).toLowerCase(); })
    .filter(function (code) { return ["fr", "nl", "en"].indexOf(code) !== -1; })[0];
  if (preferred !== "nl" && preferred !== "en") { return; }
  var offer = box.querySelector('[data-offer-lang="' + preferred + '"]');
  if (!offer) { return; }
  offer.hidden = false;
  box.hidden = false;
})();
