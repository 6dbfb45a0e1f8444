// duizhao review screen: keyboard paths and safe saving on top of htmx.
// Each English paragraph shows as highlighted text; Enter or a click turns it into a text box.
(function () {
  "use strict";

  // Each English paragraph is a cell (div.en-cell#seg-<id>, review/_en_cell.html) showing its highlighted text;
  // editing moves a copy of the one shared editor (<template id="en-editor">, review/_editor.html) into the cell.
  function cells() { return Array.from(document.querySelectorAll(".en-cell")); }
  function editorOf(cell) { return cell && cell.querySelector("form.en-form"); }
  function box(form) { return form.querySelector("textarea[name=text]"); }
  function fit(t) { if (!t.offsetParent) return; t.style.height = "auto"; t.style.height = (t.scrollHeight + 4) + "px"; }
  function isDirty(form) { var t = box(form); return t && t.classList.contains("dirty"); }
  function rich(form) { return form && form.querySelector(".en-rich"); }

  // ---- Inline codes (CAT files). A paragraph with codes is edited in a contenteditable box where each code
  // is a token (<span class="code" contenteditable="false" data-code="U+E000…">): it can be moved (drag, or cut
  // and paste) and deleted as one character, never typed into. The hidden textarea keeps the text with each
  // code as its private-use character; that is what is saved (the server drops codes the link does not have).
  var CODE_RE = /[\ue001-\uf7ff]/;
  function isCode(ch) { return CODE_RE.test(ch) && ch !== "\ue800" && ch !== "\uf000"; }
  function serialize(node) {
    var out = "";
    node.childNodes.forEach(function (child) {
      if (child.nodeType === 3) { out += child.nodeValue; return; }
      if (child.nodeType !== 1) return;
      if (child.classList.contains("code")) { out += child.dataset.code || ""; return; }
      if (child.classList.contains("lock")) return;  // the lock icon of a locked paragraph is not its text
      if (child.tagName === "BR") { out += "\n"; return; }
      if (/^(DIV|P)$/.test(child.tagName) && out && out.slice(-1) !== "\n") out += "\n";
      out += serialize(child);
    });
    return out;
  }
  function labelOf(ch) {
    var o = ch.charCodeAt(0);
    if (o >= 0xf000) return "</" + (o - 0xf000) + ">";
    if (o >= 0xe800) return "<" + (o - 0xe800) + ">";
    return "<" + (o - 0xe000) + "/>";
  }
  function token(form, ch) {
    var scope = form.closest("tr") || form;
    var same = scope.querySelector('.code[data-code="' + ch + '"]');
    if (same) return same.cloneNode(true);
    var span = document.createElement("span");
    var o = ch.charCodeAt(0);
    span.className = "code code-" + (o >= 0xf000 ? "close" : o >= 0xe800 ? "open" : "standalone");
    span.contentEditable = "false";
    span.dataset.code = ch;
    span.textContent = labelOf(ch);
    return span;
  }
  function nodesOf(form, text) {
    var nodes = [], run = "";
    for (var i = 0; i < text.length; i++) {
      if (isCode(text[i])) {
        if (run) { nodes.push(document.createTextNode(run)); run = ""; }
        nodes.push(token(form, text[i]));
      } else { run += text[i]; }
    }
    if (run) nodes.push(document.createTextNode(run));
    return nodes;
  }
  function render(form, text) {
    var r = rich(form);
    if (!r) return;
    r.textContent = "";
    nodesOf(form, text).forEach(function (n) { r.appendChild(n); });
  }
  function caretRange(r) {
    var sel = window.getSelection();
    if (sel && sel.rangeCount && r.contains(sel.getRangeAt(0).commonAncestorContainer)) return sel.getRangeAt(0);
    var range = document.createRange();
    range.selectNodeContents(r);
    range.collapse(false);
    return range;
  }
  function insertAtCaret(form, text) {
    var r = rich(form);
    var range = caretRange(r);
    range.deleteContents();
    var nodes = nodesOf(form, text), last = null;
    nodes.forEach(function (n) { range.insertNode(n); range.setStartAfter(n); last = n; });
    if (last) {
      range.setStartAfter(last);
      range.collapse(true);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    sync(form);
  }
  function sync(form) {
    var r = rich(form), t = box(form);
    if (!r || !t) return;
    t.value = serialize(r);
    if (t.dataset.saved === undefined) t.dataset.saved = t.defaultValue;
    var dirty = t.value !== t.dataset.saved;
    t.classList.toggle("dirty", dirty);
    r.classList.toggle("dirty", dirty);
  }
  // The source's codes the English lacks, in the source's order (app.model.missing_codes).
  function missingCodes(form) {
    var r = rich(form);
    var have = Array.from(serialize(r)), out = "";
    Array.from(r.dataset.sourceCodes || "").forEach(function (ch) {
      var k = have.indexOf(ch);
      if (k >= 0) have.splice(k, 1); else out += ch;
    });
    return out;
  }
  function copySourceCodes(form) {
    var r = rich(form);
    if (!r) return;
    var missing = missingCodes(form);
    if (!missing) { toast("The English already has every inline code of the source."); return; }
    r.focus();
    insertAtCaret(form, missing);
  }
  function insideCode(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentNode);
    return !!(el && el.closest && el.closest(".en-rich .code"));
  }
  // Nothing is typed inside a token: an input whose range starts or ends in one is refused.
  document.addEventListener("beforeinput", function (evt) {
    var r = evt.target.closest && evt.target.closest(".en-rich");
    if (!r) return;
    var ranges = evt.getTargetRanges ? evt.getTargetRanges() : [];
    var sel = window.getSelection();
    var tokens = Array.from(r.querySelectorAll(".code"));
    var covers = function (g) {  // a selection over a token: typing would replace it
      if (g.collapsed) return false;
      var range = document.createRange();
      range.setStart(g.startContainer, g.startOffset);
      range.setEnd(g.endContainer, g.endOffset);
      return tokens.some(function (c) { return range.intersectsNode(c); });
    };
    var touches = ranges.some(function (g) {
      return insideCode(g.startContainer) || insideCode(g.endContainer) || covers(g);
    }) || (sel && sel.rangeCount && (insideCode(sel.anchorNode) || insideCode(sel.focusNode) || covers(sel.getRangeAt(0))));
    if (touches && evt.inputType.indexOf("delete") !== 0) { evt.preventDefault(); return; }
    if (evt.inputType === "insertParagraph" || evt.inputType === "insertLineBreak") {
      evt.preventDefault();  // a paragraph is one line of text: Enter adds a plain line break
      document.execCommand("insertText", false, "\n");
    }
  });
  document.addEventListener("copy", function (evt) { clip(evt, false); });
  document.addEventListener("cut", function (evt) { clip(evt, true); });
  function clip(evt, cut) {
    var r = evt.target.closest && evt.target.closest(".en-rich");
    var sel = window.getSelection();
    if (!r || !sel || !sel.rangeCount) return;
    var range = sel.getRangeAt(0);
    var holder = document.createElement("div");
    holder.appendChild(range.cloneContents());
    evt.clipboardData.setData("text/plain", serialize(holder));  // codes travel as their characters
    evt.preventDefault();
    if (cut) { range.deleteContents(); sync(r.closest("form")); }
  }
  document.addEventListener("paste", function (evt) {
    var r = evt.target.closest && evt.target.closest(".en-rich");
    if (!r) return;
    evt.preventDefault();  // plain text only; code characters become tokens again
    insertAtCaret(r.closest("form"), (evt.clipboardData.getData("text/plain") || "").replace(/\r\n?/g, "\n"));
  });
  document.addEventListener("drop", function (evt) {
    var r = evt.target.closest && evt.target.closest(".en-rich");
    if (r) setTimeout(function () { sync(r.closest("form")); }, 0);  // a token dragged to its new place
  });

  // The cell's editor, built from the shared template on first use: the save address and version come from the
  // cell, the text from its view (serialize() gives back each inline code's character).
  function editor(cell) {
    var form = editorOf(cell);
    if (form) return form;
    var tpl = document.getElementById("en-editor");
    if (!tpl) return null;
    form = tpl.content.firstElementChild.cloneNode(true);
    var text = serialize(cell.querySelector(".en-view"));
    form.action = cell.dataset.save;
    form.querySelector("input[name=base_version]").value = cell.dataset.v;
    var t = box(form);
    t.value = t.defaultValue = text;
    t.dataset.saved = text;
    var locked = cell.hasAttribute("data-locked");
    var r = rich(form);
    if (locked) {
      t.readOnly = true;
      form.querySelectorAll("button[type=submit], [data-copy-codes], .en-rich").forEach(function (el) { el.remove(); });
      form.querySelector("[data-locked-note]").hidden = false;
      r = null;
    }
    var label = cell.querySelector(".en-view").getAttribute("aria-label");
    t.setAttribute("aria-label", label);
    if (r && cell.hasAttribute("data-codes")) {
      r.hidden = false;
      r.dataset.sourceCodes = cell.dataset.codes;
      r.setAttribute("aria-label", label + " with inline codes");
      t.classList.add("coded");
      t.tabIndex = -1;
      t.setAttribute("aria-hidden", "true");
      form.querySelector("[data-copy-codes]").hidden = false;
    } else if (r) {
      r.remove();
    }
    form.setAttribute("hx-post", cell.dataset.save);
    form.setAttribute("hx-target", "#" + cell.id);
    form.setAttribute("hx-swap", "outerHTML");
    cell.querySelector(".en-view").after(form);
    if (rich(form)) render(form, text);
    if (window.htmx) htmx.process(form);
    return form;
  }

  function activate(cell) {
    if (!cell) return;
    var form = editor(cell);
    if (!form) return;
    cell.classList.add("editing");
    if (!form.dataset.started) form.dataset.started = String(Date.now());
    var t = box(form);
    var r = rich(form);
    if (r) {
      r.focus();
      var range = document.createRange();
      range.selectNodeContents(r);
      range.collapse(false);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    } else {
      fit(t);
      t.focus();
    }
    var row = cell.closest("tr");
    (row || cell).scrollIntoView({block: "nearest"});
  }

  // Close the editor of a cell (unless it holds unsaved typing); the view takes its place again.
  function deactivate(cell, force) {
    var form = editorOf(cell);
    if (!form || (!force && isDirty(form))) return false;
    form.remove();
    cell.classList.remove("editing");
    return true;
  }

  // The first or last paragraph of the next or previous page: the pager's link, with what to open there.
  function pageAway(step) {
    var link = document.querySelector(step > 0 ? ".pager a[rel=next]" : ".pager a[rel=prev]");
    if (!link) return false;
    window.location.href = link.href.split("#")[0] + (step > 0 ? "#edit-first" : "#edit-last");
    return true;
  }

  function move(fromCell, step) {
    var all = cells();
    var next = all[all.indexOf(fromCell) + step];
    if (!next) { pageAway(step); return; }
    deactivate(fromCell);
    activate(next);
  }

  // A conflict (409) on saving a cell: the merge view in a full-width row under the cell's row.
  function showConflict(cell, html) {
    var row = cell.closest("tr");
    if (!row) return;
    var holder = document.getElementById("conflict-" + row.id);
    if (!holder) {
      holder = document.createElement("tr");
      holder.id = "conflict-" + row.id;
      holder.className = "conflict-row";
      var td = document.createElement("td");
      td.colSpan = row.cells.length;
      holder.appendChild(td);
      row.after(holder);
    }
    holder.firstElementChild.innerHTML = html;
    htmx.process(holder);
    deactivate(cell, true);  // the reviewer's text is now in the merge view
    var t = holder.querySelector("textarea");
    if (t) { fit(t); t.focus(); }
  }

  // ---- The drawer (#drawer over the grid): opened when content arrives in #side-panel, closed with its button
  // or Esc; the focus goes into it and back to what opened it.
  var drawerReturn = null;
  function openDrawer(opener) {
    var drawer = document.getElementById("drawer");
    if (!drawer) return;
    if (drawer.hidden) drawerReturn = opener || document.activeElement;
    drawer.hidden = false;
    document.body.classList.add("drawer-open");
    var panel = document.getElementById("side-panel");
    var first = panel.querySelector("#search-q, input:not([type=hidden]), textarea, button, a[href], [tabindex]");
    (first || panel).focus();
  }
  function closeDrawer() {
    var drawer = document.getElementById("drawer");
    if (!drawer || drawer.hidden) return false;
    drawer.hidden = true;
    document.body.classList.remove("drawer-open");
    var back = drawerReturn;
    drawerReturn = null;
    if (back && document.contains(back)) back.focus();
    return true;
  }
  window.duizhaoDrawer = {open: openDrawer, close: closeDrawer};

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

  // The highlights' tooltips travel once per page (#mark-titles, app.web.helpers.MarkTitles); marks name theirs.
  function restoreTitles() {
    var table = document.getElementById("mark-titles");
    if (!table) return;
    var titles = JSON.parse(table.textContent || "[]");
    document.querySelectorAll("mark[data-t]").forEach(function (m) {
      m.title = m.dataset.t.split(" ").map(function (n) { return titles[Number(n)] || ""; }).join("\n");
      m.removeAttribute("data-t");
    });
  }

  // Arriving from the previous or next page by keyboard: open the first or last paragraph.
  function openFromHash() {
    var where = window.location.hash;
    if (where !== "#edit-first" && where !== "#edit-last") return;
    history.replaceState(null, "", window.location.pathname + window.location.search);
    var all = cells();
    activate(where === "#edit-first" ? all[0] : all[all.length - 1]);
  }

  document.addEventListener("DOMContentLoaded", function () {
    restoreTitles();
    if (!window.htmx) return;
    // A conflict (409) opens the merge view under the row; other errors keep the reviewer's text and show a message.
    document.body.addEventListener("htmx:beforeSwap", function (evt) {
      var status = evt.detail.xhr.status;
      if (status === 409) {
        var target = evt.detail.target;
        var cell = target && target.closest && target.closest(".en-cell");
        if (cell && cell.closest("tr")) {
          evt.detail.shouldSwap = false;
          evt.detail.isError = false;
          showConflict(cell, evt.detail.xhr.responseText);
        } else { evt.detail.shouldSwap = true; evt.detail.isError = false; }
      } else if (status >= 400) {
        evt.detail.shouldSwap = false;
        var tmp = document.createElement("div");
        tmp.innerHTML = evt.detail.xhr.responseText;
        toast((tmp.textContent || "The server refused the request.").trim() + " Your text is still in the box.");
      }
    });
    document.body.addEventListener("htmx:sendError", function () {
      toast("The server could not be reached. Your text is still in the box; try again.");
    });
    // A merge view that saved (or kept theirs) is done: its row goes.
    document.body.addEventListener("htmx:afterRequest", function (evt) {
      var holder = evt.detail.elt.closest && evt.detail.elt.closest("tr.conflict-row");
      if (holder && evt.detail.successful && evt.detail.xhr.status < 300) holder.remove();
    });
    document.body.addEventListener("htmx:afterSwap", function (evt) {
      var t = evt.detail.elt.querySelector && evt.detail.elt.querySelector("textarea");
      if (t) fit(t);
      var target = evt.detail.target;
      if (target && target.id === "side-panel") openDrawer(evt.detail.requestConfig && evt.detail.requestConfig.elt);
    });
    // Time spent editing goes with the save (seconds since the paragraph was opened for editing).
    document.body.addEventListener("htmx:configRequest", function (evt) {
      var form = evt.detail.elt.closest && evt.detail.elt.closest("form.en-form");
      if (form && rich(form) && evt.detail.parameters) evt.detail.parameters.text = serialize(rich(form));
      if (form && form.dataset.started && evt.detail.parameters) {
        evt.detail.parameters.seconds = String((Date.now() - Number(form.dataset.started)) / 1000);
      }
    });
    // A glossary change (an entry added in the drawer) can change the highlights and findings of many rows: the
    // rows in view are fetched again, out of band, except one being edited (its typing is kept).
    document.body.addEventListener("duizhao:glossary-changed", refreshVisibleRows);
    openFromHash();
  });

  function rowsInView(table) {
    var height = window.innerHeight || document.documentElement.clientHeight;
    return Array.from(table.querySelectorAll("tbody > tr[data-link]")).filter(function (tr) {
      var box = tr.getBoundingClientRect();
      return box.bottom > 0 && box.top < height;
    });
  }

  function refreshVisibleRows() {
    var table = document.querySelector("table.pairs[data-rows]");
    if (!table) return;
    var ids = rowsInView(table).filter(function (tr) { return !tr.querySelector("form.en-form"); })
      .map(function (tr) { return tr.dataset.link; });
    if (ids.length) htmx.ajax("GET", table.dataset.rows + "?links=" + ids.join(","), {target: "body", swap: "none"});
  }

  // A saved row's findings cell asks for the document checks that follow the save; it says which rows are in view
  // and what their findings are (a signature), so that the rows the save changed (a drift count elsewhere) come too.
  document.addEventListener("htmx:configRequest", function (evt) {
    var elt = evt.detail.elt;
    if (!(elt && elt.matches && elt.matches("td.findings.pending[hx-get]"))) return;
    var table = elt.closest("table.pairs");
    if (!table) return;
    evt.detail.parameters.rows = rowsInView(table).map(function (tr) {
      var td = tr.querySelector("td.findings[data-sig]");
      return td && td !== elt ? tr.dataset.link + ":" + td.dataset.sig : null;
    }).filter(Boolean).join(",");
  });

  function cancel(form) {
    var area = box(form);
    area.value = area.dataset.saved !== undefined ? area.dataset.saved : area.defaultValue;
    area.classList.remove("dirty");
    var cell = form.closest(".en-cell");
    if (!cell) return;
    deactivate(cell, true);
    var v = cell.querySelector(".en-view");
    if (v) v.focus();
  }

  document.addEventListener("click", function (evt) {
    var el = evt.target.closest ? evt.target : evt.target.parentElement;
    if (!el) return;
    var copier = el.closest("[data-copy-codes]");
    if (copier) { copySourceCodes(copier.closest("form")); return; }
    if (el.closest("[data-cancel]")) { cancel(el.closest("form")); return; }
    if (el.closest("[data-drawer-close]")) { closeDrawer(); return; }
    if (el.closest("[data-pick-close]")) { document.getElementById("glossary-pick").hidden = true; return; }
    var pickLink = el.closest("[data-pick-link]");
    if (pickLink && window.htmx) {  // the entry form opens in the drawer; without htmx the link opens its page
      evt.preventDefault();
      document.getElementById("glossary-pick").hidden = true;
      htmx.ajax("GET", pickLink.getAttribute("href"), {target: "#side-panel", source: pickLink});
      return;
    }
    var view = el.closest(".en-view");
    if (view && !(window.getSelection() && window.getSelection().toString())) { activate(view.closest(".en-cell")); return; }
    if (el.matches("[data-help-toggle]")) {
      var help = document.getElementById("help");
      if (help) help.hidden = !help.hidden;
    }
  });

  document.addEventListener("input", function (evt) {
    var t = evt.target;
    if (t.matches && t.matches(".en-rich")) { sync(t.closest("form")); return; }
    if (!(t.matches && t.matches("form.en-form textarea[name=text]"))) return;
    fit(t);
    if (t.dataset.saved === undefined) t.dataset.saved = t.defaultValue;
    t.classList.toggle("dirty", t.value !== t.dataset.saved);
  });

  // Ctrl+Enter: save and confirm, then the next paragraph; after the last of a page, once the save is
  // acknowledged, the first paragraph of the next page (leaving earlier would lose the save's answer).
  function saveAndNext(form) {
    var cell = form.closest(".en-cell");
    var confirmBox = form.querySelector("input[name=confirm]");
    if (confirmBox) confirmBox.value = "1";
    if (!cell || !window.htmx) { form.requestSubmit(); return; }
    var all = cells();
    var next = all[all.indexOf(cell) + 1];
    if (!next && document.querySelector(".pager a[rel=next]")) {
      form.addEventListener("htmx:afterRequest", function (evt) {
        if (evt.detail.successful && evt.detail.xhr.status < 300) pageAway(1);
      }, {once: true});
    }
    if (form.querySelector("button[type=submit]")) htmx.trigger(form, "submit");
    if (next) activate(next);
    else if (!document.querySelector(".pager a[rel=next]")) toast("That was the last paragraph of the document.");
    else if (!form.querySelector("button[type=submit]")) pageAway(1);
  }

  document.addEventListener("keydown", function (evt) {
    var t = evt.target;
    if (evt.key === "Escape" && !evt.defaultPrevented) {
      var drawer = document.getElementById("drawer");
      if (drawer && !drawer.hidden && (drawer.contains(t) || !(t.closest && t.closest("form.en-form")))) {
        evt.preventDefault();
        closeDrawer();
        return;
      }
    }
    if (evt.key === "Escape" && !(t.closest && t.closest("form.en-form"))) {
      var opened = document.querySelectorAll("td.findings details[open]");
      if (opened.length) {
        opened.forEach(function (d) { d.open = false; });
        return;
      }
    }
    var view = t.matches && t.matches(".en-view");
    if (view && (evt.key === "Enter" || evt.key === "F2")) { evt.preventDefault(); activate(t.closest(".en-cell")); return; }
    var inText = t.matches && t.matches("form.en-form textarea[name=text], form.en-form .en-rich");
    if (inText && evt.key === "F9") { evt.preventDefault(); copySourceCodes(t.closest("form")); return; }
    var form = inText ? t.closest("form") : null;
    if (inText && evt.key === "Enter" && (evt.ctrlKey || evt.metaKey)) {
      evt.preventDefault();
      saveAndNext(form);
      return;
    }
    if (inText && evt.key === "Escape" && form.closest(".en-cell")) {
      evt.preventDefault();
      cancel(form);
      return;
    }
    if ((inText || view) && evt.altKey && (evt.key === "ArrowDown" || evt.key === "ArrowUp")) {
      var cell = t.closest(".en-cell");
      if (!cell) return;
      evt.preventDefault();
      move(cell, evt.key === "ArrowDown" ? 1 : -1);
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
