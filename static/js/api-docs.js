/* The API docs page (templates/drf_spectacular/swagger_ui.html): Swagger UI plugins, passed
   in through SWAGGER_UI_SETTINGS (config/settings.py). Swagger UI writes the API's title as
   an h1 and each group of endpoints as an h3, so its outline skips a level (axe's and
   Lighthouse's heading-order). Its documented wrapComponents hook puts an h2 before the
   endpoints, inside its own rendering, whatever it re-renders and whichever version. */
"use strict";

window.apiDocsPlugins = [
  () => ({
    wrapComponents: {
      operations: (Original, system) => (props) => {
        const h = system.React.createElement;
        return h(system.React.Fragment, null, h("h2", { className: "visually-hidden" }, "Endpoints"), h(Original, props));
      },
    },
  }),
];
