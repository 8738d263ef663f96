// The people filter's suggestions: as the reader types (two letters or more), up to ten
// names from the people-suggest endpoint fill the field's <datalist>, narrowed to the
// question or topic chosen in the same form. Without this script the field still takes a
// name, part of one, or a slug, and the page says when nobody matches.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest='people']").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var status = document.getElementById("people-status");
    if (!list || !window.fetch) return;
    var timer = null;
    var asked = "";
    function show(people, more, query) {
      var seen = {};
      people.forEach(function (person) { seen[person.name] = (seen[person.name] || 0) + 1; });
      list.replaceChildren.apply(list, people.map(function (person) {
        // A name two people share is offered by its slug, so choosing it picks that one.
        var shared = seen[person.name] > 1;
        var option = document.createElement("option");
        option.value = shared ? person.slug : person.name;
        option.label = shared ? person.name + " · " + person.role : person.role;
        return option;
      }));
      if (status) {
        status.textContent = people.length
          ? people.length + (more ? "+" : "") + " suggestion" + (people.length === 1 ? "" : "s") + " for “" + query + "”"
          : "Nobody named “" + query + "”";
      }
    }
    function suggest() {
      var query = input.value.trim();
      if (query.length < 2 || query === asked) return;
      asked = query;
      var url = new URL(list.dataset.url, window.location.href);
      url.searchParams.set("q", query);
      ["question", "topic"].forEach(function (name) {
        var field = input.form && input.form.elements[name];
        if (field && field.value) url.searchParams.set(name, field.value);
      });
      fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : { people: [] }; })
        .then(function (data) {
          if (input.value.trim() === query) show(data.people || [], data.more, query);
        })
        .catch(function () { /* no suggestions: the field still works as typed */ });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 150);
    });
  });
})();
