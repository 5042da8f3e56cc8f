#!/usr/bin/env node
'use strict';
// Makes sure the system tools the test suite drives are present. Installs them with apt-get when
// running as root on Debian; otherwise fails with the command to run. Never skips silently.
const { execFileSync, spawnSync } = require('node:child_process');

const REQUIRED = [
  { command: 'kcat', aptPackage: 'kcat', why: "librdkafka's mock Kafka cluster for the Kafka tests" },
  // playwright-core drives it; it never downloads a browser of its own.
  { command: 'chromium', aptPackage: 'chromium', why: 'the dashboard end-to-end test in a real browser (playwright-core)' },
];

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const missing = REQUIRED.filter((r) => !has(r.command));
if (missing.length === 0) process.exit(0);

const packages = missing.map((m) => m.aptPackage);
const canInstall = typeof process.getuid === 'function' && process.getuid() === 0 && has('apt-get');
if (!canInstall) {
  for (const m of missing) process.stderr.write(`test dependency missing: ${m.command} (${m.why})\n`);
  process.stderr.write(`install it first, e.g.: sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\n`);
  process.exit(1);
}
process.stdout.write(`installing test dependencies with apt-get: ${packages.join(' ')}\n`);
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} catch (error) {
  process.stderr.write(`apt-get could not install ${packages.join(' ')}: ${error.message}\n`);
  process.exit(1);
}
const still = missing.filter((m) => !has(m.command));
if (still.length > 0) {
  process.stderr.write(`still missing after install: ${still.map((m) => m.command).join(', ')}\n`);
  process.exit(1);
}
