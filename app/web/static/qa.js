// duizhao review screen: the findings report's jumps, F8 / Shift+F8 to the next / previous row with findings,
// and a row's sentence pairs (Alt+S). Without scripts the report's links and the sentence links still work.
(function () {
  "use strict";

  var current = 0;  // the row number the reviewer was last in

  function rowNumber(tr) { return tr ? Number(tr.id.replace("row-", "")) || 0 : 0; }
  function gridRow(node) {
    var tr = node && node.closest && node.closest("tr");
    while (tr && tr.classList.contains("sentences-row")) tr = tr.previousElementSibling;
    return tr && /^row-\d+$/.test(tr.id) ? tr : null;
  }
  function flash(message) {
    if (window.duizhaoFlash) window.duizhaoFlash("toast", message, 5000); else window.alert(message);
  }

  // Put the reviewer on a row: scroll it into view, mark it and focus its first English paragraph.
  function focusRow(tr) {
    document.querySelectorAll("tr.qa-current").forEach(function (r) { r.classList.remove("qa-current"); });
    tr.classList.add("qa-current");
    current = rowNumber(tr);
    tr.scrollIntoView({block: "center"});
    var target = tr.querySelector(".en-view") || tr.querySelector("td.num");
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({preventScroll: true});
    }
    if (window.history && window.history.replaceState) window.history.replaceState(null, "", "#" + tr.id);
  }

  function hasFindings(tr) { return !!tr.querySelector("td.findings details"); }

  function jump(step) {
    var rows = Array.from(document.querySelectorAll("table.pairs > tbody > tr[id^='row-']"));
    var from = current;
    var here = gridRow(document.activeElement);
    if (here) from = rowNumber(here);
    var ordered = step > 0 ? rows : rows.slice().reverse();
    var next = ordered.find(function (tr) {
      var n = rowNumber(tr);
      return hasFindings(tr) && (step > 0 ? n > from : n < from);
    });
    if (next) { focusRow(next); return; }
    var opener = document.querySelector("[data-qa-next]");  // the next one is on another page (or there is none)
    if (!opener) return;
    var url = opener.getAttribute("data-qa-next") + "?format=json&dir=" + step + "&row=" + from;
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.url) window.location.assign(data.url);
        else flash("No open finding " + (step > 0 ? "after" : "before") + " row " + from + ".");
      })
      .catch(function () { flash("The server could not be reached; try again."); });
  }

  function toggleSentences(tr) {
    if (!tr) return;
    var next = tr.nextElementSibling;
    var button = tr.querySelector("[data-sentences]");
    if (next && next.classList.contains("sentences-row")) {
      next.remove();
      if (button) button.setAttribute("aria-expanded", "false");
      return;
    }
    if (!button || button.dataset.loading) return;
    button.dataset.loading = "1";
    button.setAttribute("aria-busy", "true");  // the first sentence view may wait for the aligner's model
    fetch(button.getAttribute("href"), {headers: {"HX-Request": "true"}, credentials: "same-origin"})
      .then(function (r) {
        return r.text().then(function (text) { if (!r.ok) throw new Error(text); return text; });
      })
      .then(function (html) {
        tr.insertAdjacentHTML("afterend", html);
        button.setAttribute("aria-expanded", "true");
      })
      .catch(function (err) {
        var tmp = document.createElement("div");
        tmp.innerHTML = String(err.message || "");
        flash((tmp.textContent || "The sentence pairs could not be loaded.").trim());
      })
      .finally(function () { delete button.dataset.loading; button.removeAttribute("aria-busy"); });
  }

  document.addEventListener("click", function (evt) {
    var toggler = evt.target.closest && evt.target.closest("[data-sentences]");
    if (toggler) { evt.preventDefault(); toggleSentences(gridRow(toggler)); return; }
    var link = evt.target.closest && evt.target.closest("a.qa-jump[data-row]");
    if (!link) return;
    var tr = document.getElementById("row-" + link.getAttribute("data-row"));
    if (tr) { evt.preventDefault(); focusRow(tr); }  // on this page of the grid: no reload
  });

  document.addEventListener("focusin", function (evt) {
    var tr = gridRow(evt.target);
    if (tr) current = rowNumber(tr);
  });

  document.addEventListener("keydown", function (evt) {
    if (evt.key === "F8" && !evt.ctrlKey && !evt.altKey && !evt.metaKey && document.querySelector("table.pairs")) {
      evt.preventDefault();
      jump(evt.shiftKey ? -1 : 1);
      return;
    }
    if (evt.altKey && !evt.ctrlKey && !evt.metaKey && (evt.code === "KeyS" || (evt.key || "").toLowerCase() === "s")) {
      var tr = gridRow(document.activeElement) || document.getElementById("row-" + current);
      if (tr) { evt.preventDefault(); toggleSentences(tr); }
    }
  });

  // An open report follows the grid: after a dismiss in a row or a save, it is fetched again (same filter). The
  // request's element is swapped away with its row's cell, so the request itself (not a DOM event) says when.
  function refreshPane() {
    var pane = document.getElementById("qa-pane");
    var opener = document.querySelector("[data-qa-open]");
    if (!pane || !opener || !window.htmx) return;
    var severity = pane.getAttribute("data-severity");
    htmx.ajax("GET", opener.getAttribute("href") + (severity ? "?severity=" + encodeURIComponent(severity) : ""),
      {target: "#side-panel", swap: "innerHTML"});
  }
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var pane = document.getElementById("qa-pane");
    var elt = evt.detail.elt;
    if (!pane || !elt || !elt.closest || pane.contains(elt) || !elt.closest("td.findings, form.en-form")) return;
    var config = evt.detail.requestConfig;  // only what changes findings (a dismiss, a save), not a row's list loading
    if (config && String(config.verb).toLowerCase() === "get") return;
    var xhr = evt.detail.xhr;
    xhr.addEventListener("loadend", function () {
      if (xhr.status >= 200 && xhr.status < 300) setTimeout(refreshPane, 0);
    });
  });

  // Arriving from the report (or F8) on another page: the row in the address is the current one. After the load,
  // since the browser's scroll to the fragment moves the focus to the page (the row itself is not focusable).
  window.addEventListener("load", function () {
    var m = /^#row-(\d+)$/.exec(window.location.hash);
    var tr = m && document.getElementById("row-" + m[1]);
    if (tr) setTimeout(function () { focusRow(tr); }, 0);
  });
})();
