#!/usr/bin/env node
'use strict';
// Writes web/src/wire-types.ts from the schemas the server declares (after `npm run build`).
const { writeFileSync } = require('node:fs');
const { WIRE_TYPES_FILE, wireTypesSource } = require('../dist/src/api/wire-shapes');

writeFileSync(WIRE_TYPES_FILE, wireTypesSource());
process.stdout.write(`wrote ${WIRE_TYPES_FILE}\n`);
