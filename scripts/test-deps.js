#!/usr/bin/env node
'use strict';
// Makes sure the system tools the test suite drives are present. Installs them with apt-get when
// running as root on Debian; otherwise fails with the command to run. Never skips silently.
const { execFileSync, spawnSync } = require('node:child_process');

const REQUIRED = [
  { command: 'kcat', aptPackage: 'kcat', why: "librdkafka's mock Kafka cluster for the Kafka tests" },
  // The MQTT tests start their own broker (mosquitto) and subscribe with an independent client (mosquitto_sub).
  { command: 'mosquitto', check: () => has('mosquitto') || spawnSync('test', ['-x', '/usr/sbin/mosquitto']).status === 0, aptPackage: 'mosquitto', why: 'a real MQTT broker for the MQTT sink tests' },
  { command: 'mosquitto_sub', aptPackage: 'mosquitto-clients', why: 'an independent MQTT subscriber (and publisher) for the MQTT sink tests' },
  // Debian's own ffmpeg (5.1 on Debian 12), checked at its path: the ffmpeg backend's tests run a
  // current system ffmpeg next to the bundled 4.1 (RTSP arguments differ between them).
  { command: '/usr/bin/ffmpeg', check: () => spawnSync('test', ['-x', '/usr/bin/ffmpeg']).status === 0, aptPackage: 'ffmpeg', why: "Debian's ffmpeg for the ffmpeg decoder backend tests (FFmpeg >= 5 arguments)" },
  // playwright-core drives it; it never downloads a browser of its own.
  { command: 'chromium', aptPackage: 'chromium', why: 'the dashboard end-to-end test in a real browser (playwright-core)' },
  // util-linux's script(1) (Debian: bsdutils, an essential package, so normally present).
  { command: 'script', aptPackage: 'bsdutils', why: 'a pseudo-terminal for the CLI progress bar test' },
  {
    // Debian's own python3 (not a pyenv one on PATH) with GStreamer's RTSP server and the elements
    // test/helpers/rtsp-tcp-server.py links: filesrc, qtdemux, h264parse, rtph264pay.
    command: 'GStreamer RTSP server (python3-gi)',
    check: () =>
      spawnSync('/usr/bin/python3', ['-c', GST_CHECK], { stdio: 'ignore' }).status === 0,
    aptPackage: ['python3-gi', 'gir1.2-gst-rtsp-server-1.0', 'gstreamer1.0-plugins-base', 'gstreamer1.0-plugins-good', 'gstreamer1.0-plugins-bad'],
    why: 'the RTSP-over-TCP end-to-end test (a real RTSP server)',
  },
];

const GST_CHECK = [
  'import gi',
  "gi.require_version('Gst', '1.0')",
  "gi.require_version('GstRtspServer', '1.0')",
  'from gi.repository import Gst, GstRtspServer',
  'Gst.init(None)',
  "assert all(Gst.ElementFactory.find(n) for n in ('filesrc', 'qtdemux', 'h264parse', 'rtph264pay'))",
].join('\n');

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const present = (r) => (r.check ? r.check() : has(r.command));
const missing = REQUIRED.filter((r) => !present(r));
if (missing.length === 0) process.exit(0);

const packages = missing.flatMap((m) => m.aptPackage);
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
const still = missing.filter((m) => !present(m));
if (still.length > 0) {
  process.stderr.write(`still missing after install: ${still.map((m) => m.command).join(', ')}\n`);
  process.exit(1);
}
