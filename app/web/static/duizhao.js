// duizhao review screen: keyboard paths and safe saving on top of htmx.
// Each English paragraph shows as highlighted text; Enter or a click turns it into a text box.
(function () {
  "use strict";

  function forms() { return Array.from(document.querySelectorAll("form.en-form")); }
  function box(form) { return form.querySelector("textarea[name=text]"); }
  function fit(t) { if (!t.offsetParent) return; t.style.height = "auto"; t.style.height = (t.scrollHeight + 4) + "px"; }
  function isDirty(form) { var t = box(form); return t && t.classList.contains("dirty"); }

  function activate(form) {
    if (!form) return;
    form.classList.add("editing");
    if (!form.dataset.started) form.dataset.started = String(Date.now());
    var t = box(form);
    if (!t) return;
    fit(t);
    t.focus();
    var row = form.closest("tr");
    (row || form).scrollIntoView({block: "nearest"});
  }

  function deactivate(form) {
    if (form && !isDirty(form) && !form.classList.contains("conflict")) form.classList.remove("editing");
  }

  function move(fromForm, step) {
    var all = forms();
    var next = all[all.indexOf(fromForm) + step];
    if (!next) return;
    deactivate(fromForm);
    activate(next);
  }

  // An error message in the element `areaId` (an alert without one), removed after `ms`; alignment.js uses it too.
  window.duizhaoFlash = function (areaId, message, ms) {
    var area = document.getElementById(areaId);
    if (!area) { window.alert(message); return; }
    area.innerHTML = "";
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = message;
    area.appendChild(p);
    setTimeout(function () { if (area.contains(p)) area.removeChild(p); }, ms);
  };
  function toast(message) { window.duizhaoFlash("toast", message, 8000); }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) return;
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
    document.body.addEventListener("htmx:afterSwap", function (evt) {
      var t = evt.detail.elt.querySelector && evt.detail.elt.querySelector("textarea");
      if (t) fit(t);
      var q = document.getElementById("search-q");
      if (q && evt.detail.target && evt.detail.target.id === "side-panel" && evt.detail.target.contains(q)) q.focus();
    });
    // Time spent editing goes with the save (seconds since the paragraph was opened for editing).
    document.body.addEventListener("htmx:configRequest", function (evt) {
      var form = evt.detail.elt.closest && evt.detail.elt.closest("form.en-form");
      if (form && form.dataset.started && evt.detail.parameters) {
        evt.detail.parameters.seconds = String((Date.now() - Number(form.dataset.started)) / 1000);
      }
    });
  });

  document.addEventListener("click", function (evt) {
    var view = evt.target.closest && evt.target.closest(".en-view");
    if (view) { activate(view.closest("form")); return; }
    if (evt.target.matches && evt.target.matches("[data-help-toggle]")) {
      var help = document.getElementById("help");
      if (help) help.hidden = !help.hidden;
    }
  });

  document.addEventListener("input", function (evt) {
    var t = evt.target;
    if (!(t.matches && t.matches("form.en-form textarea[name=text]"))) return;
    fit(t);
    if (t.dataset.saved === undefined) t.dataset.saved = t.defaultValue;
    t.classList.toggle("dirty", t.value !== t.dataset.saved);
  });

  document.addEventListener("keydown", function (evt) {
    var t = evt.target;
    var view = t.matches && t.matches(".en-view");
    if (view && (evt.key === "Enter" || evt.key === "F2")) { evt.preventDefault(); activate(t.closest("form")); return; }
    var inText = t.matches && t.matches("form.en-form textarea[name=text]");
    var form = inText ? t.closest("form") : null;
    if (inText && evt.key === "Enter" && (evt.ctrlKey || evt.metaKey)) {
      evt.preventDefault();
      var all = forms();
      var next = all[all.indexOf(form) + 1];
      var confirmBox = form.querySelector("input[name=confirm]");
      if (confirmBox) confirmBox.value = "1";
      if (window.htmx) { htmx.trigger(form, "submit"); } else { form.submit(); return; }
      if (next) activate(next);
      return;
    }
    if (inText && evt.key === "Escape") {
      evt.preventDefault();
      t.value = t.dataset.saved !== undefined ? t.dataset.saved : t.defaultValue;
      t.classList.remove("dirty");
      deactivate(form);
      var v = form.querySelector(".en-view");
      if (v) v.focus();
      return;
    }
    if ((inText || view) && evt.altKey && (evt.key === "ArrowDown" || evt.key === "ArrowUp")) {
      evt.preventDefault();
      move(t.closest("form"), evt.key === "ArrowDown" ? 1 : -1);
      return;
    }
    if (evt.key && evt.key.toLowerCase() === "f" && evt.ctrlKey && evt.shiftKey) {
      var opener = document.querySelector("[data-search-open]");
      if (opener) {
        evt.preventDefault();
        htmx.trigger(opener, "click");
        return;
      }
    }
    var typing = t.matches && t.matches("input, textarea, select, [contenteditable]");
    if (!typing && evt.key === "?") {
      var help = document.getElementById("help");
      if (help) help.hidden = !help.hidden;
    }
  });

  // Leaving the page with unsaved typing asks first.
  window.addEventListener("beforeunload", function (evt) {
    if (document.querySelector("form.en-form textarea.dirty")) { evt.preventDefault(); evt.returnValue = ""; }
  });

  // Add to glossary: select a Chinese phrase and an English phrase in the same row.
  var pick = {zh: "", en: "", row: null};
  document.addEventListener("mouseup", function () {
    var sel = window.getSelection();
    var text = sel ? sel.toString().trim() : "";
    if (!text || text.length > 200) return;
    var node = sel.anchorNode && (sel.anchorNode.nodeType === 1 ? sel.anchorNode : sel.anchorNode.parentNode);
    var cell = node && node.closest && node.closest("td.zh, .en-view");
    if (!cell) return;
    var row = cell.closest("tr");
    if (pick.row !== row) { pick = {zh: "", en: "", row: row}; }
    pick[cell.matches("td.zh") ? "zh" : "en"] = text;
    var panel = document.getElementById("glossary-pick");
    if (!panel) return;
    panel.hidden = false;
    panel.querySelector("[data-pick=zh]").textContent = pick.zh || "(select the Chinese)";
    panel.querySelector("[data-pick=en]").textContent = pick.en || "(select the English)";
    var link = panel.querySelector("[data-pick-link]");
    var base = link.getAttribute("href").split("?")[0];
    var back = window.location.pathname + window.location.search + (row ? "#" + row.id : "");
    link.setAttribute("href", base + "?zh=" + encodeURIComponent(pick.zh) + "&en=" + encodeURIComponent(pick.en) +
      "&back=" + encodeURIComponent(back));
  });
})();
