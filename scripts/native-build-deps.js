#!/usr/bin/env node
'use strict';
// Run before `npm ci` where the Kafka client's prebuilt binary cannot be downloaded (no access to
// GitHub): its install script then builds librdkafka from the sources in the npm package. With
// CKJS_LINKING=dynamic (set by .ci/run and the Dockerfile) that build links Debian's OpenSSL and
// zlib, whose headers this makes sure are present (apt-get as root); the static build would
// download OpenSSL, zlib, zstd and curl sources instead, and fail offline.
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');

const REQUIRED = [
  { header: '/usr/include/openssl/ssl.h', aptPackage: 'libssl-dev', why: "TLS and SASL/SCRAM in the Kafka client's librdkafka" },
  { header: '/usr/include/zlib.h', aptPackage: 'zlib1g-dev', why: "gzip compression in the Kafka client's librdkafka" },
];
const missing = REQUIRED.filter((r) => !existsSync(r.header));
if (missing.length === 0) process.exit(0);
const packages = missing.map((m) => m.aptPackage);
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
if (!(typeof process.getuid === 'function' && process.getuid() === 0 && has('apt-get'))) {
  for (const m of missing) process.stderr.write(`build dependency missing: ${m.header} (${m.why})\n`);
  process.stderr.write(`install it first, e.g.: sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\n`);
  process.exit(1);
}
process.stdout.write(`installing build dependencies with apt-get: ${packages.join(' ')}\n`);
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
