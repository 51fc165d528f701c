#!/usr/bin/env node
'use strict';
// The `flowgate` command: the bundled CLI (built by `npm run build`, and by `npm install`).
require('../dist/cli.js');
