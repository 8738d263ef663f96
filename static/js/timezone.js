// Tells the site the browser's time zone, once, for a user whose zone it does not know
// yet (templates/includes/_account_links.html renders the form only then). Deadlines are
// shown in that zone from the next page on; it can be changed on the time-zone page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-detect-timezone]");
  if (!form || !window.Intl || !window.fetch) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) { return; }
  form.querySelector("input[name=timezone]").value = zone;
  window.fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
    .then(function (response) {
      var link = document.querySelector("[data-timezone-link]");
      if (response.status === 204 && link) { link.textContent = zone; }
    }, function () { /* tried again on the next page */ });
})();
