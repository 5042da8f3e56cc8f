#!/usr/bin/env node
'use strict';
// Makes the Kafka client's native part present; run by `prepare` (so by `npm ci` and
// `npm install`). @confluentinc/kafka-javascript is librdkafka underneath. npm does not run its
// own install script (package.json allowScripts): that script fetches a prebuilt binary from
// GitHub and, where GitHub cannot be reached, builds librdkafka statically, downloading the
// sources of OpenSSL, zlib, zstd and curl, which fails offline. Here the same installer runs with
// CKJS_LINKING=dynamic: the prebuilt binary when it can be downloaded, else a build from the
// sources inside the npm package linked to the system's OpenSSL and zlib (their headers installed
// with apt-get when run as root and missing). Nothing is done when the client already loads.
const { execFileSync, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { dirname } = require('node:path');

const PACKAGE = '@confluentinc/kafka-javascript';

function packageDir() {
  try {
    return dirname(require.resolve(`${PACKAGE}/package.json`));
  } catch {
    return null;
  }
}

/** Whether the client loads: in a child process, as a failed native load cannot be retried in this one. */
function loads() {
  return spawnSync(process.execPath, ['-e', `require(${JSON.stringify(PACKAGE)})`], { stdio: 'ignore' }).status === 0;
}

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** What a build from source needs: a C/C++ toolchain, make, python3 (node-gyp), and the headers librdkafka links. */
function buildDependencies() {
  const needed = [
    { ok: has('g++') && has('make'), aptPackage: ['g++', 'make'], why: 'compiling librdkafka and the binding' },
    { ok: has('python3'), aptPackage: ['python3'], why: 'node-gyp' },
    { ok: existsSync('/usr/include/openssl/ssl.h'), aptPackage: ['libssl-dev'], why: 'TLS and SASL/SCRAM in librdkafka' },
    { ok: existsSync('/usr/include/zlib.h'), aptPackage: ['zlib1g-dev'], why: 'gzip compression in librdkafka' },
  ];
  const missing = needed.filter((n) => !n.ok);
  if (missing.length === 0) return;
  const packages = missing.flatMap((m) => m.aptPackage);
  if (!(typeof process.getuid === 'function' && process.getuid() === 0 && has('apt-get'))) {
    for (const m of missing) process.stderr.write(`kafka client: ${m.aptPackage.join(' ')} missing (${m.why})\n`);
    process.stderr.write(`install them if the prebuilt binary cannot be downloaded, e.g.: sudo apt-get install -y ${packages.join(' ')}\n`);
    return;
  }
  process.stdout.write(`kafka client: installing build dependencies with apt-get: ${packages.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
}

function main() {
  const dir = packageDir();
  if (!dir) return; // Not installed (e.g. `npm ci --omit=optional` of a trimmed tree): nothing to do.
  if (loads()) return;
  buildDependencies();
  const preGyp = require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp', { paths: [dir] });
  process.stdout.write('kafka client: fetching the prebuilt binary, else building librdkafka from the package sources (a few minutes)\n');
  const run = spawnSync(process.execPath, [preGyp, 'install', '--fallback-to-build'], { cwd: dir, stdio: 'inherit', env: { ...process.env, CKJS_LINKING: 'dynamic' } });
  if (run.status !== 0 || !loads()) {
    process.stderr.write(`kafka client: ${PACKAGE} could not be installed (see above); Kafka and cluster mode need it\n`);
    process.exit(1);
  }
}

main();
