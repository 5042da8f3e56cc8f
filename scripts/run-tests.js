#!/usr/bin/env node
'use strict';
// Runs the compiled test files (dist/test/**/*.test.js) with Node's test runner: unit tests
// first, then integration, then end to end. Node 20's runner would treat every .js file in a
// folder as a test, helpers included, so the list is made here.
const { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..', 'dist', 'test');
const order = ['unit', 'integration', 'e2e'];

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return find(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

// tsc never deletes the output of a source that was moved or removed: such a compiled test is
// stale and would run old code, so it is left out, and named.
const sourceRoot = join(__dirname, '..', 'test');
const compiled = find(root);
const stale = compiled.filter((file) => !existsSync(join(sourceRoot, relative(root, file)).replace(/\.js$/, '.ts')));
if (stale.length > 0) process.stdout.write(`left out ${stale.length} compiled test file(s) whose source is gone: ${stale.map((f) => relative(root, f)).join(', ')}\n`);
const filter = process.argv.slice(2);
const files = compiled
  .filter((file) => !stale.includes(file))
  .filter((file) => filter.length === 0 || filter.some((f) => relative(root, file).includes(f)))
  .sort((a, b) => {
    const rank = (file) => order.indexOf(relative(root, file).split('/')[0]);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
if (files.length === 0) {
  process.stderr.write('no test files found under dist/test (did the build run?)\n');
  process.exit(1);
}
// Every temporary file of the run (data dirs, journals, browser profiles, the TAP file) goes in
// one folder, removed at the end: a test that forgets its own temp dir leaves nothing behind.
const runDir = mkdtempSync(join(tmpdir(), 'vigil-tests-'));
// Spec output for people, TAP to a file for the closing tally.
const tapFile = join(runDir, 'results.tap');
// A file that cannot end (a server or child process left running by a failed step) would hold
// the run until CI's own limit: past this, Node's runner kills it and reports it as cancelled.
// The longest file (the three-gateway cluster test) took 108 s in a clean-clone run here; ten
// minutes leave room for a slower machine.
const FILE_TIMEOUT_MS = 10 * 60 * 1000;
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', `--test-timeout=${FILE_TIMEOUT_MS}`, '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files],
  { stdio: 'inherit', env: { ...process.env, TMPDIR: runDir } },
);
const tap = readFileSync(tapFile, 'utf8');
rmSync(runDir, { recursive: true, force: true });
const count = (name) => Number((new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap) || [])[1] || 0);
const [passed, failed, skipped] = [count('pass'), count('fail') + count('cancelled'), count('skipped') + count('todo')];
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(result.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
