#!/usr/bin/env node
'use strict';
// Writes what is generated from the code's own declarations (after `npm run build`):
// web/src/wire-types.ts from the schemas the server declares, README's error table from the error
// catalog, and schemas/streams-v1.json (the streams file's JSON Schema) from its zod schema. Unit
// tests fail when any of them is stale.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { WIRE_TYPES_FILE, wireTypesSource } = require('../dist/src/api/wire-shapes');
const { withErrorCatalogTable } = require('../dist/src/errors');
const { streamsJsonSchemaText } = require('../dist/src/config/json-schema.js');

writeFileSync(WIRE_TYPES_FILE, wireTypesSource());
process.stdout.write(`wrote ${WIRE_TYPES_FILE}\n`);
const readme = join(__dirname, '..', 'README.md');
writeFileSync(readme, withErrorCatalogTable(readFileSync(readme, 'utf8')));
process.stdout.write(`wrote the error table in ${readme}\n`);
const streams = join(__dirname, '..', 'schemas', 'streams-v1.json');
writeFileSync(streams, streamsJsonSchemaText());
process.stdout.write(`wrote ${streams}\n`);
