// Runs in <head>, before the page is drawn: on a French page, marks <html> with the language
// to offer (data-duo-offer="nl" or "en"), so the offer at the top of the page is there from
// the first paint and nothing below it moves (language-offer.js does the rest).
(function () {
  "use strict";
  var root = document.documentElement;
  if (root.lang !== "fr") { return; }
  try { if (localStorage.getItem("duo-language-choice")) { return; } } catch (e) { return; }
  var preferred = (navigator.languages || [navigator.language || ""])
    .map(function (tag) { return String(tag).slice(0, 2).toLowerCase(); })
    .filter(function (code) { return ["fr", "nl", "en"].indexOf(code) !== -1; })[0];
  if (preferred === "nl" || preferred === "en") { root.setAttribute("data-duo-offer", preferred); }
})();
