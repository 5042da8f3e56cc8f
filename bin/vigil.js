#!/usr/bin/env node
'use strict';
// The CLI entry point: runs the compiled TypeScript (built by `npm ci` / `npm run build`).
let cli;
try {
  cli = require('../dist/src/cli/index.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli')) {
    process.stderr.write('vigil: not built yet; run `npm run build` (npm ci does it for you)\n');
    process.exit(1);
  }
  throw error;
}
cli.main(process.argv.slice(2));
