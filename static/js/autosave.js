// The draft editor's safety net (templates/classroom/submission_form.html): a live word
// count; an autosave a moment after the student stops typing, under the same version
// check as "Save draft"; and a copy of the text in this browser (localStorage) until the
// site has it, restored when the page is opened again after a failed save, an expired
// session, a refused form or a crash. Without JavaScript the form's buttons do it all.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var url = form.getAttribute("data-autosave");
  var key = form.getAttribute("data-draft-key");
  var version = form.querySelector("input[name=version]");
  var status = form.querySelector("[data-save-status]");
  var counter = form.querySelector("[data-word-count]");
  var statement = form.querySelector("textarea[name=statement]");
  var DELAY = 1500;
  var RETRY = 10000;
  var timer = null;
  var inFlight = false;
  var again = false;
  var stopped = false;
  var waitingSubmitter = null;

  function say(text) { if (status) { status.textContent = text; } }

  function fields() {
    var values = {};
    form.querySelectorAll("textarea[name=statement], textarea[name^=comment_]").forEach(function (area) {
      values[area.name] = area.value;
    });
    return values;
  }

  function same(a, b) {
    return Object.keys(a).every(function (name) { return b[name] === undefined || a[name] === b[name]; });
  }

  function countWords() {
    if (!counter || !statement) { return; }
    var text = statement.value.trim();
    var words = text ? text.split(/\s+/).length : 0;
    counter.textContent = words + (words === 1 ? " word" : " words");
  }

  // Private browsing or a full disk may refuse storage: the autosave still works.
  function keep() {
    try {
      window.localStorage.setItem(key, JSON.stringify({ fields: fields(), version: version.value, at: Date.now() }));
    } catch (error) { /* nothing to keep it in */ }
  }

  function kept() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (error) { return null; }
  }

  function forget() {
    try { window.localStorage.removeItem(key); } catch (error) { /* nothing kept */ }
  }

  function clock(date) {
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }

  function notice(text) {
    var panel = document.createElement("p");
    panel.className = "panel warning restored-notice";
    panel.setAttribute("role", "alert");
    panel.textContent = text;
    form.insertAdjacentElement("beforebegin", panel);
  }

  function schedule(delay) {
    if (stopped) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  function finish() {
    inFlight = false;
    if (waitingSubmitter) {
      var submitter = waitingSubmitter;
      waitingSubmitter = null;
      if (submitter === form) { form.requestSubmit(); } else { form.requestSubmit(submitter); }
    } else if (again) {
      again = false;
      schedule(0);
    }
  }

  function save() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    var sent = fields();
    var data = new FormData(form);
    // Ticked "remove" boxes wait for "Save draft": the page would still show the evidence.
    Array.from(data.keys()).forEach(function (name) { if (name.indexOf("remove_") === 0) { data.delete(name); } });
    say("Saving…");
    window.fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return (json ? response.json() : Promise.resolve({})).then(function (body) {
          return { status: response.status, body: body };
        });
      })
      .then(function (answer) {
        if (answer.status === 200) {
          version.value = answer.body.version;
          say("Saved " + answer.body.saved);
          if (same(sent, fields())) { forget(); } else { keep(); }
        } else if (answer.status === 409 || answer.status === 403 && answer.body.error) {
          stopped = true;
          say("Not saved: " + answer.body.error + " Your text is kept in this browser.");
        } else if (answer.status === 401) {
          stopped = true;
          say("Not saved: " + answer.body.error);
        } else {
          stopped = true;
          say("Not saved: the site refused the save (did you log in or out in another tab?). " +
              "Your text is kept in this browser: reload the page and it comes back.");
        }
      }, function () {
        say("Not saved: the site cannot be reached. Your text is kept in this browser; trying again shortly.");
        schedule(RETRY);
      })
      .then(finish, finish);
  }

  // Text kept from an earlier visit that the site never got: put it back. After a refused
  // save (the draft changed elsewhere) the page shows the text; it stays kept until merged.
  var previous = kept();
  if (form.hasAttribute("data-conflict")) {
    stopped = true;
    keep();
  } else if (previous && previous.fields) {
    if (same(previous.fields, fields())) {
      forget();
    } else {
      Object.keys(previous.fields).forEach(function (name) {
        var area = form.querySelector("textarea[name='" + name + "']");
        if (area) { area.value = previous.fields[name]; }
      });
      var when = clock(new Date(previous.at));
      if (String(previous.version) === version.value) {
        notice("Your text from " + when + " had not reached the site; it is restored from this browser and being saved.");
        schedule(0);
      } else {
        stopped = true;
        notice("Your text from " + when + " had not reached the site; it is restored from this browser. " +
               "The draft was also saved elsewhere since then: check the text before you save.");
      }
    }
  }
  countWords();

  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") { return; }
    countWords();
    keep();
    say("Not saved yet");
    schedule(DELAY);
  });

  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    keep();  // until the next page shows the site has it
    if (inFlight) {
      // Let the autosave finish first, or this save would carry a version it has replaced.
      event.preventDefault();
      waitingSubmitter = event.submitter || form;
    }
  });
})();
