// A form sent back with errors: bring the first one into view and put the cursor in its
// field, so on a phone the student sees what to fix instead of the top of the page.
(function () {
  "use strict";
  var error = document.querySelector("main .has-error, main .form-errors, main .errorlist");
  if (!error) { return; }
  var holder = error.closest(".form-field") || error;
  var field = holder.querySelector("input:not([type=hidden]), select, textarea");
  holder.scrollIntoView({ block: "center" });
  if (field) { field.focus({ preventScroll: true }); }
})();
