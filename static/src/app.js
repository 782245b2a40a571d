// The project's JavaScript: start GOV.UK Frontend's components (error summary focus,
// character count, service navigation toggle, ...). Pages work without it; it only improves
// them. Loaded as a module from static/dist/ by templates/base.html (no inline scripts: the
// Content Security Policy allows only the nonce'd one-liner that sets js-enabled).
import { initAll } from "./govuk-frontend.min.js";

initAll();
