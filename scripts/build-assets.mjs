// Copies the GOV.UK Frontend files that the pages load into static/dist/, next to the
// app.css that Sass has just written (see "build" in package.json). No bundler: the
// script is loaded as-is with <script type="module">.
//
// Fonts are deliberately not copied: the service uses Arial, and GDS Transport is only
// licensed for services on gov.uk.
//
// After copying, every local url(...) in app.css is checked, so a missing image fails the
// build here rather than later in collectstatic (Django's manifest storage refuses CSS
// that refers to files it cannot find). app.scss writes them relative to app.css.

import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const frontend = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const dist = join(root, "static", "dist");

// [source relative to govuk-frontend/dist/govuk, destination relative to static/dist]
const files = [
  ["govuk-frontend.min.js", "govuk-frontend.min.js"],
  // The .js ends with a sourceMappingURL comment, which collectstatic follows.
  ["govuk-frontend.min.js.map", "govuk-frontend.min.js.map"],
  ["assets/manifest.json", "manifest.json"],
  ["assets/images/favicon.ico", "images/favicon.ico"],
  ["assets/images/favicon.svg", "images/favicon.svg"],
  ["assets/images/govuk-icon-mask.svg", "images/govuk-icon-mask.svg"],
  ["assets/images/govuk-icon-180.png", "images/govuk-icon-180.png"],
  ["assets/images/govuk-icon-192.png", "images/govuk-icon-192.png"],
  ["assets/images/govuk-icon-512.png", "images/govuk-icon-512.png"],
  // Referred to by the footer styles in app.css (only shown if a template uses it).
  ["assets/images/govuk-crest.svg", "images/govuk-crest.svg"],
];

function fail(message) {
  console.error(`build-assets: ${message}`);
  process.exit(1);
}

if (!existsSync(frontend)) {
  fail(`${frontend} is missing; run "npm ci" first.`);
}

for (const [source, destination] of files) {
  const from = join(frontend, source);
  const to = join(dist, destination);
  if (!existsSync(from)) {
    fail(`govuk-frontend no longer ships ${source}; update scripts/build-assets.mjs.`);
  }
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

// The project's own module (static/src/app.js) imports "./govuk-frontend.min.js", the copy
// above, so it must sit beside it in static/dist/.
copyFileSync(join(root, "static", "src", "app.js"), join(dist, "app.js"));

const cssPath = join(dist, "app.css");
if (!existsSync(cssPath)) {
  fail(`${cssPath} is missing; Sass should have written it before this script runs.`);
}
const css = readFileSync(cssPath, "utf8");

if (/GDS Transport|\/fonts\//i.test(css)) {
  fail("app.css refers to GDS Transport or its font files; the service must use Arial.");
}

const missing = [];
for (const match of css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
  const url = match[1].split(/[?#]/)[0];
  if (/^(data:|[a-z]+:\/\/|\/\/)/i.test(url)) {
    continue;
  }
  if (url.startsWith("/")) {
    // An absolute path would tie the CSS to one STATIC_URL layout; keep them relative.
    missing.push(`${url} (absolute; write it relative to app.css)`);
  } else if (!existsSync(join(dist, url))) {
    missing.push(url);
  }
}
if (missing.length > 0) {
  fail(`app.css refers to files that were not copied: ${[...new Set(missing)].join(", ")}`);
}

console.log(`build-assets: copied ${files.length + 1} files into static/dist/`);
