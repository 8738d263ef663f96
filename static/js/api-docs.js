/* The API docs page (templates/drf_spectacular/swagger_ui.html): Swagger UI plugins, passed
   in through SWAGGER_UI_SETTINGS (config/settings.py). Each uses the documented
   wrapComponents hook, so it holds whatever Swagger UI re-renders, and fixes what axe and
   Lighthouse find in Swagger UI's own markup:
   - heading-order: the API's title is an h1 and each group of endpoints an h3, so an h2
     "Endpoints" goes before the groups;
   - nested-interactive: with deep linking, each endpoint's summary (a button) holds a link
     to itself; the path is plain text instead (opening an endpoint still sets the address);
   - region: the API's description sits outside any landmark; it becomes a named section;
   - scrollable-region-focusable: example bodies scroll sideways but could not be reached
     from the keyboard; their <pre> takes focus (plain text: syntaxHighlight is off, as
     its theme's colours fall short of WCAG AA contrast);
   - select-name: a parameter's list of values had no name; each parameter's single
     control is labelled with its name and description (Swagger UI's own text). */
"use strict";

window.apiDocsPlugins = [
  () => ({
    wrapComponents: {
      operations: (Original, system) => (props) => {
        const h = system.React.createElement;
        return h(system.React.Fragment, null, h("h2", { className: "visually-hidden" }, "Endpoints"), h(Original, props));
      },
      DeepLink: (Original, system) => (props) => system.React.createElement("span", null, props.text),
      InfoContainer: (Original, system) => (props) =>
        system.React.createElement("section", { "aria-label": "About this API" }, system.React.createElement(Original, props)),
      PlainTextViewer: (Original, system) => (props) =>
        system.React.createElement("pre", { className: ["microlight", props.className].filter(Boolean).join(" "), tabIndex: 0 }, props.children),
      JsonSchema_string: labelled,
      JsonSchema_boolean: labelled,
    },
  }),
];

function labelled(Original, system) {
  return (props) => {
    const h = system.React.createElement;
    if (!props.description) {
      return h(Original, props);
    }
    return h("label", { className: "parameter-control" }, h("span", { className: "visually-hidden" }, props.description), h(Original, props));
  };
}
