/**
 * The Triggers page's entry (bundled by scripts/build.mjs into dist/webview/triggers.js, with
 * triggers.css): defines the page's elements and mounts `<fg-triggers-app>` (app.ts) into #app.
 */
import './triggers.css';
import './app';

document.getElementById('app')?.append(document.createElement('fg-triggers-app'));
