import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig, readEnv } from '../../../src/config';
import { VigilError } from '../../../src/errors';
import { ROOT } from '../../helpers/paths';

function invalidMessage(document: unknown): string {
  try {
    parseConfig(document, 'streams.yaml');
  } catch (error) {
    assert.ok(error instanceof VigilError);
    assert.equal(error.code, 'VIGIL_ERR_CONFIG_INVALID');
    return error.message;
  }
  assert.fail('configuration should have been refused');
}

describe('configuration', () => {
  it('loads the shipped streams.yaml: one enabled demo camera playing the bundled clip', () => {
    const config = loadConfig({ VIGIL_CONFIG: join(ROOT, 'streams.yaml') }, ROOT);
    assert.equal(config.cameras.length, 1);
    const [demo] = config.cameras;
    assert.equal(demo?.id, 'demo');
    assert.match(demo?.url ?? '', /^file:samples\/hamilton_clip\.mp4$/);
    assert.equal(config.gateway.allowLocalFiles, true);
    assert.ok(Object.isFrozen(config.cameras[0]), 'read-only after validation');
  });

  it('loads the GPU image\'s streams file: CUDA, no silent CPU fallback, workers auto', () => {
    const config = loadConfig({ VIGIL_CONFIG: join(ROOT, 'deploy', 'streams.gpu.yaml') }, ROOT);
    assert.equal(config.inference.provider, 'cuda');
    assert.equal(config.inference.allowCpuFallback, undefined);
    assert.equal(config.inference.workers, 'auto');
    assert.equal(config.cameras.length, 1);
  });

  it('fills defaults: 5 fps, 640x360, enabled, TCP for RTSP', () => {
    const config = parseConfig({ cameras: [{ id: 'a', url: 'rtsp://h/s' }] }, 'x');
    assert.deepEqual(
      { ...config.cameras[0] },
      { id: 'a', url: 'rtsp://h/s', fps: 5, width: 640, height: 360, enabled: true, rtspTransport: 'tcp', loop: true, detectedEvents: false, recognition: true },
    );
    assert.equal(config.gateway.allowLocalFiles, false);
    assert.deepEqual(config.inference.executionProviders, ['cpu']);
    assert.equal(config.inference.workers, 'auto', 'one worker per core unless told otherwise');
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['an unknown top-level key', { camras: [] }, /camras/],
    ['an unknown camera key', { cameras: [{ id: 'a', url: 'rtsp://h/s', fsp: 5 }] }, /cameras\[0\].*fsp/],
    ['a wrong type', { cameras: [{ id: 'a', url: 'rtsp://h/s', fps: 'fast' }] }, /cameras\[0\]\.fps/],
    ['an odd width', { cameras: [{ id: 'a', url: 'rtsp://h/s', width: 641 }] }, /cameras\[0\]\.width: must be an even/],
    ['a camera without url', { cameras: [{ id: 'a' }] }, /cameras\[0\]\.url/],
    ['a bad camera id', { cameras: [{ id: 'a b/c', url: 'rtsp://h/s' }] }, /cameras\[0\]\.id/],
    ['duplicate camera ids', { cameras: [{ id: 'a', url: 'rtsp://h/1' }, { id: 'a', url: 'rtsp://h/2' }] }, /cameras\[1\]\.id: duplicate camera id "a"/],
    ['an unknown execution provider', { inference: { executionProviders: ['tpu'] } }, /inference\.executionProviders\[0\]/],
    ['an unknown provider', { inference: { provider: 'tpu' } }, /inference\.provider/],
    ['provider and the older executionProviders together', { inference: { provider: 'cuda', executionProviders: ['cuda', 'cpu'] } }, /inference\.provider: set either provider or executionProviders/],
    ['a worker count that is neither a number nor auto', { inference: { workers: 'many' } }, /inference\.workers/],
    ['a batch size of 0', { inference: { batch: { maxFrames: 0 } } }, /inference\.batch\.maxFrames/],
    ['an unknown gpu key', { inference: { gpu: { memoryMb: 100 } } }, /inference\.gpu.*memoryMb/],
  ];
  for (const [name, document, pattern] of bad) {
    it(`refuses ${name}, naming the field`, () => assert.match(invalidMessage(document), pattern));
  }

  it('takes the inference keys: provider, fallback, workers auto, batch limits, GPU concurrency; the older list still works', () => {
    const inference = parseConfig({ inference: { provider: 'cuda', allowCpuFallback: true, workers: 'auto', batch: { maxFrames: 16, maxWaitMs: 2 }, gpu: { maxConcurrentRuns: 2 } } }, 'x').inference;
    assert.equal(inference.provider, 'cuda');
    assert.equal(inference.executionProviders, undefined, 'the older key is not filled in when provider is set');
    assert.deepEqual([inference.allowCpuFallback, inference.workers, inference.batch, inference.gpu], [true, 'auto', { maxFrames: 16, maxFaces: 'auto', maxWaitMs: 2 }, { maxConcurrentRuns: 2, deviceId: 0 }]);
    assert.deepEqual(parseConfig({ inference: { executionProviders: ['cuda', 'cpu'] } }, 'x').inference.executionProviders, ['cuda', 'cpu']);
  });

  it('says which file is missing or not YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
    assert.throws(() => loadConfig({ VIGIL_CONFIG: 'nope.yaml' }, dir), (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_ERR_CONFIG_NOT_FOUND' && e.message.includes('nope.yaml'));
    writeFileSync(join(dir, 'bad.yaml'), 'cameras: [\n');
    assert.throws(() => loadConfig({ VIGIL_CONFIG: 'bad.yaml' }, dir), /not valid YAML/);
  });
});

describe('environment', () => {
  it('has the documented defaults', () => {
    const env = readEnv({}, '/srv');
    assert.deepEqual(env, {
      configPath: '/srv/streams.yaml',
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/srv/data',
      kafkaBrokers: [],
      kafkaTopic: 'vigil.events',
      logLevel: 'info',
      logFormat: 'auto',
      ffmpegPath: undefined,
      tokens: [],
      tracing: null,
      cluster: false,
      advertiseUrl: null,
      kafkaSaslPassword: undefined,
    });
  });

  it('reads every variable of the contract', () => {
    const env = readEnv(
      { VIGIL_CONFIG: 'c.yaml', VIGIL_PORT: '9000', VIGIL_HOST: '0.0.0.0', VIGIL_DATA_DIR: '/var/vigil', KAFKA_BROKERS: 'k1:9092, k2:9092', VIGIL_KAFKA_TOPIC: 'cams', LOG_LEVEL: 'DEBUG', LOG_FORMAT: 'JSON', FFMPEG_PATH: '/usr/bin/ffmpeg', VIGIL_TOKENS: 'viewer:0123456789abcdef0123', VIGIL_CLUSTER: '1', VIGIL_ADVERTISE_URL: 'http://vigil-0.vigil:8080/', KAFKA_SASL_PASSWORD: 'pw' },
      '/srv',
    );
    assert.deepEqual(env, {
      configPath: '/srv/c.yaml', port: 9000, host: '0.0.0.0', dataDir: '/var/vigil', kafkaBrokers: ['k1:9092', 'k2:9092'], kafkaTopic: 'cams', logLevel: 'debug', logFormat: 'json', ffmpegPath: '/usr/bin/ffmpeg', tokens: [{ role: 'viewer', token: '0123456789abcdef0123' }], tracing: null,
      cluster: true, advertiseUrl: 'http://vigil-0.vigil:8080', kafkaSaslPassword: 'pw',
    });
  });

  for (const [variable, value] of [['VIGIL_PORT', '80a'], ['VIGIL_PORT', '70000'], ['KAFKA_BROKERS', 'k1'], ['VIGIL_KAFKA_TOPIC', 'a topic'], ['LOG_LEVEL', 'loud'], ['LOG_FORMAT', 'xml'], ['VIGIL_CLUSTER', '1'], ['VIGIL_CLUSTER', 'yes'], ['VIGIL_ADVERTISE_URL', 'ftp://x']] as const) {
    it(`refuses ${variable}=${value}, naming the variable`, () => {
      assert.throws(() => readEnv({ [variable]: value }, '/'), (e: unknown) => e instanceof VigilError && e.message.startsWith(`${variable}:`));
    });
  }
});
