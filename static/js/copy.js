// Progressive enhancement for "Cite this": a Copy button beside each citation.
// Without JavaScript the citations stay selectable text and download links.
(function () {
  "use strict";
  var status = document.querySelector("[data-copy-status]");

  function announce(text) {
    if (!status) { return; }
    // Cleared first so that the same message twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function textOf(element) {
    return element.tagName === "TEXTAREA" ? element.value : element.textContent;
  }

  function select(element) {
    if (element.tagName === "TEXTAREA") {
      element.focus();
      element.select();
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // Older browsers, and pages not served over HTTPS, have no asynchronous clipboard.
  function copyBySelecting(element) {
    select(element);
    try { return document.execCommand("copy"); } catch (error) { return false; }
  }

  // The Chicago note goes to the clipboard as HTML too, so a word processor keeps the
  // title in italics; plain-text editors get the text.
  function writeToClipboard(element) {
    var text = textOf(element);
    if (element.tagName !== "TEXTAREA" && window.ClipboardItem && navigator.clipboard.write) {
      var html = "<span>" + element.innerHTML.replace(/<(\/?)cite>/g, "<$1i>") + "</span>";
      var item = new window.ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([html], { type: "text/html" })
      });
      return navigator.clipboard.write([item]).catch(function () { return navigator.clipboard.writeText(text); });
    }
    return navigator.clipboard.writeText(text);
  }

  function addButton(element, label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "small secondary copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the " + label);
    var reset;

    function copied() {
      announce(label + " copied");
      button.textContent = "Copied";
      window.clearTimeout(reset);
      reset = window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
    }

    function fallBack() {
      if (copyBySelecting(element)) {
        copied();
      } else {
        // Selected, at least: the keyboard shortcut does the rest.
        select(element);
        announce("Press Ctrl+C (or Command+C) to copy the selected " + label);
      }
    }

    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        writeToClipboard(element).then(copied, fallBack);
      } else {
        fallBack();
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
