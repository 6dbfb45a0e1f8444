// duizhao review screen: keyboard paths and safe saving on top of htmx.
(function () {
  "use strict";

  function textareas() { return Array.from(document.querySelectorAll("form.en-form textarea[name=text]")); }

  function focusSibling(current, step) {
    var all = textareas();
    var i = all.indexOf(current);
    var next = all[i + step];
    if (next) { next.focus(); next.scrollIntoView({block: "center"}); }
  }

  function toast(message) {
    var box = document.getElementById("toast");
    if (!box) { alert(message); return; }
    box.innerHTML = "";
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = message;
    box.appendChild(p);
    setTimeout(function () { if (box.contains(p)) box.removeChild(p); }, 8000);
  }

  // Each English box shows its whole paragraph: grow to fit the text.
  function fit(t) { t.style.height = "auto"; t.style.height = (t.scrollHeight + 4) + "px"; }
  function fitAll(root) { (root || document).querySelectorAll("form.en-form textarea").forEach(fit); }

  document.addEventListener("DOMContentLoaded", function () {
    fitAll();
    document.body.addEventListener("htmx:afterSwap", function (evt) { fitAll(evt.detail.elt.parentNode || document); });
    if (window.htmx) {
      // A conflict (409) swaps in the merge view; other errors keep the reviewer's text and show a message.
      document.body.addEventListener("htmx:beforeSwap", function (evt) {
        var status = evt.detail.xhr.status;
        if (status === 409) { evt.detail.shouldSwap = true; evt.detail.isError = false; }
        else if (status >= 400) {
          evt.detail.shouldSwap = false;
          var tmp = document.createElement("div");
          tmp.innerHTML = evt.detail.xhr.responseText;
          toast((tmp.textContent || "The server refused the request.").trim() + " Your text is still in the box.");
        }
      });
      document.body.addEventListener("htmx:sendError", function () {
        toast("The server could not be reached. Your text is still in the box; try again.");
      });
    }
  });

  document.addEventListener("input", function (evt) {
    var t = evt.target;
    if (t.matches && t.matches("form.en-form textarea")) { fit(t); }
    if (t.matches && t.matches("form.en-form textarea[name=text]")) {
      if (t.dataset.saved === undefined) t.dataset.saved = t.defaultValue;
      t.classList.toggle("dirty", t.value !== t.dataset.saved);
    }
  });

  document.addEventListener("keydown", function (evt) {
    var t = evt.target;
    var inText = t.matches && t.matches("form.en-form textarea[name=text]");
    if (inText && evt.key === "Enter" && (evt.ctrlKey || evt.metaKey)) {
      evt.preventDefault();
      var form = t.closest("form");
      var all = textareas();
      var nextIndex = all.indexOf(t) + 1;
      if (window.htmx) {
        htmx.trigger(form, "submit");
        var next = all[nextIndex];
        if (next) { next.focus(); next.scrollIntoView({block: "center"}); }
      } else { form.submit(); }
      return;
    }
    if (inText && evt.key === "Escape") {
      evt.preventDefault();
      t.value = t.dataset.saved !== undefined ? t.dataset.saved : t.defaultValue;
      t.classList.remove("dirty");
      return;
    }
    if (inText && evt.altKey && (evt.key === "ArrowDown" || evt.key === "ArrowUp")) {
      evt.preventDefault();
      focusSibling(t, evt.key === "ArrowDown" ? 1 : -1);
      return;
    }
    var typing = t.matches && t.matches("input, textarea, select, [contenteditable]");
    if (!typing && evt.key === "?") {
      var help = document.getElementById("help");
      if (help) { help.hidden = !help.hidden; }
    }
  });

  // Leaving the page with unsaved typing asks first.
  window.addEventListener("beforeunload", function (evt) {
    if (document.querySelector("form.en-form textarea.dirty")) { evt.preventDefault(); evt.returnValue = ""; }
  });

  document.addEventListener("click", function (evt) {
    if (evt.target.matches && evt.target.matches("[data-help-toggle]")) {
      var help = document.getElementById("help");
      if (help) help.hidden = !help.hidden;
    }
  });
})();
