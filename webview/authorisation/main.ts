/**
 * The Authorisation page's entry (bundled by scripts/build.mjs into dist/webview/authorisation.js,
 * its CSS into authorisation.css): defines the page's element and mounts `<fg-authorisation-app>`
 * into #app. The page is app.ts (state, requests, the version's groups and the directory's),
 * built on the kit (webview/kit/).
 */
import './authorisation.css';
import './app';

document.getElementById('app')?.replaceChildren(document.createElement('fg-authorisation-app'));
