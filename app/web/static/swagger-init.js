// Starts Swagger UI on the schema its container names. It lives in a file, not inline in the
// page, so the docs' Content-Security-Policy can refuse every inline script.
"use strict";
const container = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({
  url: container.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
