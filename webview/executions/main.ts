/**
 * The Running Executions page's entry (bundled by scripts/build.mjs into dist/webview/executions.js,
 * its stylesheet into executions.css): mounts `<fg-executions-app>` (app.ts) into #app.
 */
import './executions.css';
import './app';

document.getElementById('app')!.append(document.createElement('fg-executions-app'));
