// Search and replace preview: select all / none / only hits without warnings, and the count of ticked hits.
// One listener each on the document (delegation), so a preview of thousands of hits costs nothing per hit,
// and a preview swapped in again by htmx needs no new setup.
(function () {
  "use strict";
  if (window.duizhaoSearch) { return; }
  window.duizhaoSearch = true;

  function count(form) {
    var boxes = form.querySelectorAll("input[name=hit]");
    var ticked = form.querySelectorAll("input[name=hit]:checked").length;
    var out = form.querySelector("[data-ticked]");
    if (out) { out.textContent = String(ticked); }
    var apply = form.querySelector("[data-apply]");
    if (apply) { apply.disabled = ticked === 0; }
    return boxes.length;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-select]");
    var form = button && button.closest("[data-hits-form]");
    if (!form) { return; }
    var how = button.getAttribute("data-select");
    var boxes = form.querySelectorAll("input[name=hit]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      box.checked = how === "all" || (how === "clean" && !box.closest("li").classList.contains("hit-has-warning"));
    }
    count(form);
  });

  document.addEventListener("change", function (event) {
    if (event.target.name !== "hit") { return; }
    var form = event.target.closest("[data-hits-form]");
    if (form) { count(form); }
  });
})();
