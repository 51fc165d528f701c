/**
 * The Review Import page's entry (bundled by scripts/build.mjs into dist/webview/review.js, its
 * CSS into review.css): defines the page's element and mounts `<fg-review-app>` into #app. The
 * page is app.ts (state, requests, header, banners, the decision), summary.ts (what was pulled,
 * the instructions), validation.ts, replacements.ts (the rows with their pickers) and preview.ts
 * (per definition, Show Diff), built on the kit (webview/kit/).
 */
import './review.css';
import './app';

document.getElementById('app')?.replaceChildren(document.createElement('fg-review-app'));
