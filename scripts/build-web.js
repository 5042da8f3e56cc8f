#!/usr/bin/env node
'use strict';
// Second half of the dashboard build: tsc (web/tsconfig.json) has compiled web/src/*.ts to
// dist/web/*.js as ES modules; this copies the static files next to them. The browser loads the
// modules as they are (no bundler). dist/web/package.json marks the folder as ES modules so that
// Node's unit tests can import the pure ones; the gateway never serves .json files.
const { copyFileSync, mkdirSync, readdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const from = join(root, 'web', 'static');
const to = join(root, 'dist', 'web');
mkdirSync(to, { recursive: true });
for (const name of readdirSync(from)) copyFileSync(join(from, name), join(to, name));
writeFileSync(join(to, 'package.json'), '{ "type": "module" }\n');
