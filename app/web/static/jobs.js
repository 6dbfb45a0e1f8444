// Forms that start long work (data-once): the submit button is disabled while the request is in flight,
// so a double click sends one request (the server joins a repeated submit to the first job anyway).
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-once]")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.setAttribute("aria-busy", "true");
    // Disabled after the browser has taken the submitter's value (a disabled button would not send it).
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
        b.disabled = true;
        b.setAttribute("aria-busy", "true");
      });
    }, 0);
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
      b.dataset.label = b.textContent;
      b.textContent = "Sending…";
    });
  });

  // Back to a page kept in the browser's cache: the form may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      delete form.dataset.sent;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
        b.disabled = false;
        b.removeAttribute("aria-busy");
        if (b.dataset.label) b.textContent = b.dataset.label;
      });
    });
  });
})();
