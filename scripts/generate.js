#!/usr/bin/env node
'use strict';
// Writes what is generated from the code's own declarations (after `npm run build`):
// web/src/wire-types.ts from the schemas the server declares, and README's error table from the
// error catalog. Unit tests fail when either is stale.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { WIRE_TYPES_FILE, wireTypesSource } = require('../dist/src/api/wire-shapes');
const { withErrorCatalogTable } = require('../dist/src/errors');

writeFileSync(WIRE_TYPES_FILE, wireTypesSource());
process.stdout.write(`wrote ${WIRE_TYPES_FILE}\n`);
const readme = join(__dirname, '..', 'README.md');
writeFileSync(readme, withErrorCatalogTable(readFileSync(readme, 'utf8')));
process.stdout.write(`wrote the error table in ${readme}\n`);
