// Progressive enhancement for "Cite this": a Copy button beside each citation.
// Without JavaScript the citations stay selectable text and download links.
(function () {
  "use strict";
  var status = document.querySelector("[data-copy-status]");

  function announce(text) {
    if (status) { status.textContent = ""; window.setTimeout(function () { status.textContent = text; }, 50); }
  }

  function textOf(element) {
    return element.tagName === "TEXTAREA" ? element.value : element.textContent;
  }

  function fallbackCopy(element) {
    if (element.tagName === "TEXTAREA") {
      element.focus();
      element.select();
    } else {
      var range = document.createRange();
      range.selectNodeContents(element);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    try { return document.execCommand("copy"); } catch (error) { return false; }
  }

  function addButton(element, label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "small secondary copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the " + label);
    button.addEventListener("click", function () {
      var text = textOf(element);
      var done = function () { announce(label + " copied"); button.textContent = "Copied"; };
      var failed = function () { announce(fallbackCopy(element) ? label + " copied" : "Select the text and copy it"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else if (fallbackCopy(element)) {
        done();
      } else {
        failed();
      }
    });
    element.insertAdjacentElement("afterend", button);
  }

  var note = document.getElementById("cite-chicago");
  if (note) { addButton(note, "Chicago note"); }
  document.querySelectorAll(".cite-format textarea").forEach(function (area) {
    var label = document.querySelector('label[for="' + area.id + '"]');
    addButton(area, label ? label.textContent.split(" (")[0] : "citation");
  });
})();
