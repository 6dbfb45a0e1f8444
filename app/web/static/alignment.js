// duizhao alignment view: select links with the keyboard and apply operations with single keys
// (as in OmegaT's aligner). Every operation is a toolbar button; the keys only press those buttons.
(function () {
  "use strict";

  var anchor = null;   // the row a range starts from (Shift+↑/↓)
  var current = null;  // the row the keyboard is on

  function form() { return document.getElementById("align-form"); }
  function rows() { return Array.from(document.querySelectorAll("table.align tbody tr[data-link]")); }
  function field(name) { var f = form(); return f ? f.querySelector("[name=" + name + "]") : null; }

  function showError(message) { window.duizhaoFlash("align-error", message, 12000); }  // from duizhao.js
  function clearError() { var box = document.getElementById("align-error"); if (box) box.innerHTML = ""; }

  function splitDefaults(row) {
    var zh = +row.dataset.zh, en = +row.dataset.en;
    var zc = Math.ceil(zh / 2), ec = Math.ceil(en / 2);
    if (zc === zh && ec === en) { if (en > 0) ec = en - 1; else zc = zh - 1; }
    var z = field("zh_cut"), e = field("en_cut");
    if (z) { z.max = zh; z.value = zc; }
    if (e) { e.max = en; e.value = ec; }
  }

  function select(row, extend) {
    if (!row) return;
    if (!extend || !anchor) anchor = row;
    current = row;
    var all = rows();
    var a = all.indexOf(anchor), b = all.indexOf(row);
    var lo = Math.min(a, b), hi = Math.max(a, b);
    all.forEach(function (r, i) {
      var on = i >= lo && i <= hi;
      r.classList.toggle("selected", on);
      r.setAttribute("aria-selected", on ? "true" : "false");
      r.tabIndex = r === row ? 0 : -1;
    });
    var radio = anchor.querySelector("input[type=radio]");
    if (radio) radio.checked = true;
    var last = field("last");
    if (last) last.value = anchor === row ? "" : row.dataset.link;
    splitDefaults(anchor);
    row.focus({preventScroll: true});
    row.scrollIntoView({block: "nearest"});
  }

  function press(op) {
    var f = form();
    if (!f) return;
    var button = f.querySelector("button[name=op][value='" + op + "']");
    if (!button) {
      showError(op === "checked" ? "No row on this page is marked for checking."
        : "Your role does not allow changing the alignment.");
      return;
    }
    if (!f.querySelector("input[name=link]:checked") && op !== "undo") {
      showError("Select a link first (click a row or press ↓).");
      return;
    }
    clearError();
    button.click();
  }

  function init(root) {
    var grid = (root || document).querySelector(".align-grid");
    anchor = current = null;
    var all = rows();
    if (!all.length) return;
    var focus = grid && grid.dataset.focus ? document.getElementById("link-" + grid.dataset.focus) : null;
    if (!focus && window.location.hash.indexOf("#link-") === 0) focus = document.getElementById(window.location.hash.slice(1));
    var checked = document.querySelector("table.align input[name=link]:checked");
    select(focus || (checked && checked.closest("tr")) || all[0], false);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    var box = document.getElementById("alignment");
    if (!box) return;
    // Errors (400, 404, 409…) keep the page as it is and show the server's message above the table.
    box.addEventListener("htmx:beforeSwap", function (evt) {
      var status = evt.detail.xhr.status;
      if (status >= 400) {
        evt.stopPropagation();
        evt.detail.shouldSwap = false;
        var tmp = document.createElement("div");
        tmp.innerHTML = evt.detail.xhr.responseText;
        var text = (tmp.textContent || "The server refused the change").trim();
        showError(text + (/[.!?]$/.test(text) ? "" : ".") + " Nothing was changed.");
      }
    });
    box.addEventListener("htmx:sendError", function (evt) {
      evt.stopPropagation();
      showError("The server could not be reached; nothing was changed. Try again.");
    });
    // After htmx has settled the new rows (settling restores their server-rendered attributes).
    box.addEventListener("htmx:afterSettle", function () { clearError(); init(box); });
    box.addEventListener("click", function (evt) {
      var row = evt.target.closest && evt.target.closest("table.align tbody tr[data-link]");
      if (row) select(row, evt.shiftKey);
    });
    var help = document.querySelector("[data-align-help]");
    if (help) help.addEventListener("click", function () { toggleHelp(); });
  });

  function toggleHelp() { var h = document.getElementById("align-help"); if (h) h.hidden = !h.hidden; }

  document.addEventListener("keydown", function (evt) {
    var t = evt.target;
    if (t.matches && t.matches("input[name=zh_cut], input[name=en_cut]") && evt.key === "Enter") {
      evt.preventDefault();
      press("split");
      return;
    }
    if (t.matches && t.matches(".toolbar input") && evt.key === "Escape" && current) {
      evt.preventDefault();
      current.focus();
      return;
    }
    var typing = t.matches && t.matches("input:not([type=radio]), textarea, select, [contenteditable]");
    if (typing || !document.getElementById("align-form")) return;
    if (evt.ctrlKey || evt.metaKey) {
      if (evt.key === "z" || evt.key === "Z") { evt.preventDefault(); press("undo"); }
      return;
    }
    var all = rows();
    var i = all.indexOf(current);
    if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
      evt.preventDefault();
      var down = evt.key === "ArrowDown";
      if (evt.altKey) { press("shift-" + (evt.shiftKey ? "zh" : "en") + "-" + (down ? "down" : "up")); return; }
      select(all[Math.min(all.length - 1, Math.max(0, i + (down ? 1 : -1)))], evt.shiftKey);
      return;
    }
    if (evt.altKey) return;
    var key = evt.key.length === 1 ? evt.key.toLowerCase() : evt.key;
    var ops = {m: "merge", l: "link", k: "unlink", r: "realign", z: "undo", c: "checked"};
    if (ops[key]) { evt.preventDefault(); press(ops[key]); return; }
    if (key === "u" || key === "d") {
      evt.preventDefault();
      press("shift-" + (evt.shiftKey ? "zh" : "en") + "-" + (key === "u" ? "up" : "down"));
      return;
    }
    if (key === "n") {  // the next (Shift: previous) weak or to-check row
      evt.preventDefault();
      var step = evt.shiftKey ? -1 : 1;
      for (var j = i + step; j >= 0 && j < all.length; j += step) {
        if (all[j].classList.contains("weak") || all[j].classList.contains("review")) { select(all[j], false); return; }
      }
      showError("No further weak or to-check row on this page.");
      return;
    }
    if (key === "s") {
      evt.preventDefault();
      var z = field("zh_cut");
      if (z) { z.focus(); z.select(); }
      return;
    }
    if (key === "Home" || key === "End") { evt.preventDefault(); select(key === "Home" ? all[0] : all[all.length - 1], evt.shiftKey); return; }
    if (key === "Escape") { select(current, false); clearError(); return; }
    if (key === "?") { evt.preventDefault(); toggleHelp(); }
  });
})();
