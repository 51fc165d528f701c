/**
 * The Schedules page's entry (bundled by scripts/build.mjs into dist/webview/schedules.js, its CSS
 * into schedules.css): defines the page's elements and mounts `<fg-schedules-app>` into #app.
 * The page itself is in the elements of this folder — app.ts (state, requests), list.ts (the
 * schedules), history.ts (a schedule's firings), form.ts (new/edit) and preview.ts (the live
 * preview of an expression) — built on the kit (webview/kit/).
 */
import './schedules.css';
import './app';

document.getElementById('app')?.replaceChildren(document.createElement('fg-schedules-app'));
