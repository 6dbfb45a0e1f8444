// duizhao review screen: keyboard paths and safe saving on top of htmx.
// Each English paragraph shows as highlighted text; Enter or a click turns it into a text box.
(function () {
  "use strict";

  function forms() { return Array.from(document.querySelectorAll("form.en-form")); }
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

  function activate(form) {
    if (!form) return;
    form.classList.add("editing");
    if (!form.dataset.started) form.dataset.started = String(Date.now());
    var t = box(form);
    if (!t) return;
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
      if (form && rich(form) && evt.detail.parameters) evt.detail.parameters.text = serialize(rich(form));
      if (form && form.dataset.started && evt.detail.parameters) {
        evt.detail.parameters.seconds = String((Date.now() - Number(form.dataset.started)) / 1000);
      }
    });
  });

  document.addEventListener("click", function (evt) {
    var copier = evt.target.closest && evt.target.closest("[data-copy-codes]");
    if (copier) { copySourceCodes(copier.closest("form")); return; }
    var view = evt.target.closest && evt.target.closest(".en-view");
    if (view) { activate(view.closest("form")); return; }
    if (evt.target.matches && evt.target.matches("[data-help-toggle]")) {
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

  document.addEventListener("keydown", function (evt) {
    var t = evt.target;
    var view = t.matches && t.matches(".en-view");
    if (view && (evt.key === "Enter" || evt.key === "F2")) { evt.preventDefault(); activate(t.closest("form")); return; }
    var inText = t.matches && t.matches("form.en-form textarea[name=text], form.en-form .en-rich");
    if (inText && evt.key === "F9") { evt.preventDefault(); copySourceCodes(t.closest("form")); return; }
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
      var area = box(form);
      area.value = area.dataset.saved !== undefined ? area.dataset.saved : area.defaultValue;
      area.classList.remove("dirty");
      if (rich(form)) { render(form, area.value); rich(form).classList.remove("dirty"); }
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
