#!/usr/bin/env node
'use strict';
// Writes schemas/streams-v1.json, the JSON Schema of streams.yaml, from the zod schema (compiled
// by `npm run build`). `npm run schema` runs both; a unit test fails while the file is stale.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { streamsJsonSchemaText } = require('../dist/src/config/json-schema.js');

const target = join(__dirname, '..', 'schemas', 'streams-v1.json');
writeFileSync(target, streamsJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
