/**
 * The Review Import page's entry (bundled by scripts/build.mjs into dist/webview/review.js, its
 * CSS into review.css): defines the page's element and mounts `<fg-review-app>` into #app. The
 * page is app.ts (state, requests, the import, its validation, preview and actions) and
 * replacements.ts (the replacement rows with their pickers), built on the kit (webview/kit/).
 */
import './review.css';
import './app';

document.getElementById('app')?.replaceChildren(document.createElement('fg-review-app'));
