// The header's menu and search toggles as real buttons. Material opens its drawer and its
// search with hidden checkboxes (#__drawer, #__search) worked by <label>s, which a keyboard
// cannot reach; these buttons tick the same checkboxes and say whether the panel is open.
// Without JavaScript the buttons stay hidden and Material's labels (in <noscript>) remain.
(function () {
  "use strict";
  var PANELS = { __drawer: ".md-sidebar--primary", __search: ".md-search" };
  var IDS = { __drawer: "duo-drawer", __search: "duo-search" };
  var buttons = Array.prototype.slice.call(document.querySelectorAll("[data-duo-toggle]"));

  var toggleOf = function (button) {
    return document.getElementById(button.getAttribute("data-duo-toggle"));
  };
  var sync = function () {
    buttons.forEach(function (button) {
      var toggle = toggleOf(button);
      button.setAttribute("aria-expanded", toggle && toggle.checked ? "true" : "false");
    });
  };
  var set = function (toggle, open) {
    if (toggle.checked === open) { return; }
    toggle.checked = open;
    // Material listens for "change" on its checkboxes (body scroll lock, search focus).
    toggle.dispatchEvent(new Event("change", { bubbles: true }));
    sync();
  };

  buttons.forEach(function (button) {
    var name = button.getAttribute("data-duo-toggle");
    var toggle = toggleOf(button);
    var panel = document.querySelector(PANELS[name]);
    if (!toggle || !panel) { return; }
    panel.id = panel.id || IDS[name];
    button.setAttribute("aria-controls", panel.id);
    button.hidden = false;
    button.addEventListener("click", function () {
      set(toggle, !toggle.checked);
      if (toggle.checked) {
        // Into what it opened: the search field, or the menu's first link.
        var first = panel.querySelector(
          name === "__search" ? "input" : "a[href], button, input, [tabindex='0']"
        );
        if (first) { window.setTimeout(function () { first.focus(); }, 0); }
      }
    });
    // A click on Material's overlay, or Material's own code, may change it too.
    toggle.addEventListener("change", sync);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    buttons.forEach(function (button) {
      var toggle = toggleOf(button);
      if (toggle && toggle.checked) {
        set(toggle, false);
        button.focus();
      }
    });
  });
  // Material's own handlers run after this one: read the state once they are done.
  document.addEventListener("click", function () { window.setTimeout(sync, 0); });
  sync();
})();
