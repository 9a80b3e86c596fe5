// Passkeys (WebAuthn) for the workspace, without inline script: a form that carries
// data-wan-options (set by the server) is completed with the browser's answer and sent.
// handleRegister and handleSignin come from Flask-Security-Too's webauthn.js.
(function () {
  "use strict";
  function run(form) {
    var kind = form.getAttribute("data-wan-action");
    var options = form.getAttribute("data-wan-options");
    var errors = document.getElementById("wan-errors");
    var call = kind === "register" ? window.handleRegister : window.handleSignin;
    if (!call || !options) { return; }
    call(options).then(function (result) {
      if (result && result.credential) {
        document.getElementById("credential").value = result.credential;
        form.submit();
      } else if (errors) {
        errors.textContent = (result && result.error_msg) || errors.getAttribute("data-failed");
        errors.hidden = false;
        errors.focus();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-wan-options]");
    for (var i = 0; i < forms.length; i++) { run(forms[i]); }
  });
})();
