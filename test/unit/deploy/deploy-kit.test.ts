import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseConfig, readEnv } from '../../../src/config';
import { ROOT } from '../../helpers/paths';

/**
 * docker and helm cannot run here, so the deploy kit is checked by reading it: what it names
 * (environment variables, ports, probe paths, metrics, config keys, files) must be what the
 * gateway really reads, serves and ships.
 */
const DEPLOY = join(ROOT, 'deploy');
const read = (path: string) => readFileSync(join(DEPLOY, path), 'utf8');

/** Environment variables the gateway reads: every `env.NAME` in the environment parser. */
const GATEWAY_ENV = new Set([...readFileSync(join(ROOT, 'src', 'config', 'env.ts'), 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
/** Paths the HTTP server answers without a token (the probes and the scrape). */
const HEALTH_ROUTES = new Set([...readFileSync(join(ROOT, 'src', 'api', 'routes', 'health.ts'), 'utf8').matchAll(/'(\/[a-z]+)'/g)].map((m) => m[1]));
/** Metric names the gateway registers. */
const METRICS = new Set([...readFileSync(join(ROOT, 'src', 'observability', 'metrics.ts'), 'utf8').matchAll(/name: '(vigil_[a-z_]+)'/g)].map((m) => m[1]));

interface ComposeService {
  image?: string;
  hostname?: string;
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  build?: { context: string; dockerfile: string };
}

describe('deploy kit', () => {
  it('knows the environment, probes and metrics it checks against', () => {
    for (const name of ['VIGIL_CLUSTER', 'KAFKA_BROKERS', 'VIGIL_ADVERTISE_URL', 'VIGIL_TOKENS_FILE', 'VIGIL_PORT']) assert.ok(GATEWAY_ENV.has(name), name);
    for (const path of ['/healthz', '/readyz', '/metrics']) assert.ok(HEALTH_ROUTES.has(path), path);
    assert.ok(METRICS.has('vigil_camera_state'));
  });

  it('Dockerfile: multi-stage, a current Node LTS, non-root, Debian\'s ffmpeg on PATH, a health check on the port the gateway listens on', () => {
    const text = read('Dockerfile');
    const args = Object.fromEntries([...text.matchAll(/^ARG (\w+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
    const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => (m[1] as string).replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? name));
    assert.ok(froms.length >= 2, 'multi-stage');
    for (const from of froms.filter((f) => f.startsWith('node:'))) {
      const major = Number(/^node:(\d+)/.exec(from)?.[1]);
      assert.ok(major >= 22 && major % 2 === 0, `${from}: an even (LTS) Node release, 22 or later`);
    }
    // A stage on another base (the GPU image on NVIDIA's CUDA runtime) runs the Node of the build stage.
    for (const from of froms.filter((f) => !f.startsWith('node:') && !/^[a-z-]+$/.test(f))) {
      assert.match(text, /^COPY --from=build \/usr\/local\/bin\/node /m, `${from}: runs the build stage's Node`);
    }
    const user = /^USER (\S+)/m.exec(text)?.[1];
    assert.ok(user && user !== 'root' && user !== '0', 'runs as a non-root user');
    assert.match(text, /apt-get install[^\n]*\bffmpeg\b/, 'installs Debian\'s ffmpeg');
    const env = Object.fromEntries([...(/^ENV (.+)$/m.exec(text.split('\nFROM ').at(-1) ?? '')?.[1] ?? '').matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    // Not FFMPEG_PATH: it would switch every camera to the ffmpeg command; the native decoder is the
    // default, and Debian's ffmpeg is found on PATH for `ingest.decoder: ffmpeg`.
    assert.equal(env.FFMPEG_PATH, undefined);
    for (const name of Object.keys(env).filter((n) => n !== 'NODE_ENV')) assert.ok(GATEWAY_ENV.has(name), `ENV ${name} is read by the gateway`);
    const health = /^HEALTHCHECK .*http:\/\/127\.0\.0\.1:(\d+)(\/[a-z]+)/m.exec(text);
    assert.equal(health?.[1], env.VIGIL_PORT, 'the health check asks the port the gateway listens on');
    assert.ok(HEALTH_ROUTES.has(health?.[2] as string), `health check path ${health?.[2]}`);
    assert.equal(/^EXPOSE (\d+)/m.exec(text)?.[1], env.VIGIL_PORT);
    for (const [, source] of text.matchAll(/^COPY (?!--from)(\S+)/gm)) assert.ok(existsSync(join(ROOT, source as string)), `COPY ${source} exists`);
    assert.ok(existsSync(join(ROOT, /^ENTRYPOINT \["node", "([^"]+)"/m.exec(text)?.[1] ?? 'missing')), 'the entry point exists');
  });

  it('compose: Kafka in KRaft mode, two gateways in cluster mode, Prometheus, Grafana and a demo camera that the streams file names', () => {
    const compose = parse(read('compose.yaml')) as { services: Record<string, ComposeService>; secrets: Record<string, { file: string }> };
    const { services } = compose;
    assert.match(services.kafka?.image ?? '', /^apache\/kafka:/, 'the official Kafka image');
    const kafkaEnv = services.kafka?.environment ?? {};
    assert.match(String(kafkaEnv.KAFKA_PROCESS_ROLES), /broker/);
    assert.match(String(kafkaEnv.KAFKA_PROCESS_ROLES), /controller/, 'KRaft: the broker is its own controller');
    const advertised = /PLAINTEXT:\/\/([^,]+)/.exec(String(kafkaEnv.KAFKA_ADVERTISED_LISTENERS))?.[1];
    const gateways = Object.entries(services).filter(([, s]) => s.environment?.VIGIL_CLUSTER !== undefined);
    assert.equal(gateways.length, 2, 'two gateways');
    const instances = new Set<string>();
    for (const [name, service] of gateways) {
      const environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]));
      for (const key of Object.keys(environment)) assert.ok(GATEWAY_ENV.has(key), `${name}: ${key} is read by the gateway`);
      // Docker mounts the secret named vigil-tokens at /run/secrets/vigil-tokens; read the file it comes from.
      assert.equal(environment.VIGIL_TOKENS_FILE, '/run/secrets/vigil-tokens');
      const env = readEnv({ ...environment, VIGIL_TOKENS_FILE: join(DEPLOY, compose.secrets['vigil-tokens']?.file ?? 'missing') }, '/');
      assert.ok(env.tokens.length > 0, 'the gateways have tokens (otherwise they bind 127.0.0.1 only)');
      assert.equal(env.cluster, true, `${name} in cluster mode`);
      assert.deepEqual(env.kafkaBrokers, [advertised], `${name} reaches Kafka where it advertises itself`);
      assert.equal(env.host, '0.0.0.0');
      assert.ok(service.ports?.some((p) => p.endsWith(`:${env.port}`)), `${name} publishes the port it listens on`);
      assert.equal(env.advertiseUrl, `http://${service.hostname}:${env.port}`, `${name} advertises its own address`);
      instances.add(service.hostname as string);
      const streams = service.volumes?.find((v) => v.endsWith(`:${environment.VIGIL_CONFIG}:ro`))?.split(':')[0];
      assert.ok(streams, `${name} mounts its streams file at VIGIL_CONFIG`);
      const file = parseConfig(parse(read(streams)), streams);
      assert.equal(file.gateway.instanceId, undefined, 'no shared instance id: each gateway is named by its host name');
      for (const camera of file.cameras) {
        const url = new URL(camera.url);
        assert.ok(services[url.hostname], `camera ${camera.id} points at the ${url.hostname} service`);
        assert.match(String(Object.values(services[url.hostname]?.environment ?? {}).join(' ')), new RegExp(`${url.port}${url.pathname}`), 'the demo camera publishes that path');
      }
      assert.ok(compose.secrets['vigil-tokens'] && existsSync(join(DEPLOY, compose.secrets['vigil-tokens'].file)), 'the tokens secret exists');
    }
    assert.equal(instances.size, 2, 'distinct gateway names');
    assert.match(services.prometheus?.image ?? '', /^prom\/prometheus:/);
    assert.match(services.grafana?.image ?? '', /^grafana\/grafana:/);
    const prometheus = parse(read('prometheus.yml')) as { scrape_configs: { metrics_path: string; static_configs: { targets: string[] }[] }[] };
    const scrape = prometheus.scrape_configs[0]!;
    assert.ok(HEALTH_ROUTES.has(scrape.metrics_path));
    assert.deepEqual(scrape.static_configs[0]?.targets.sort(), gateways.map(([, s]) => `${s.hostname}:${String(s.environment?.VIGIL_PORT)}`).sort());
    const dashboards = readdirSync(join(DEPLOY, 'grafana', 'dashboards'));
    assert.ok(dashboards.length > 0);
    for (const file of dashboards) {
      const dashboard = JSON.parse(read(join('grafana', 'dashboards', file))) as { panels: { targets: { expr: string }[] }[] };
      for (const expr of dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))) {
        for (const [metric] of expr.matchAll(/vigil_[a-z_]+/g)) assert.ok(METRICS.has(metric), `${file}: ${metric} is a metric the gateway exports`);
      }
    }
  });

  it('helm chart: values parse, the streams file validates, every value a template uses exists, probes and environment are the gateway\'s', () => {
    const chart = join('helm', 'vigil');
    const values = parse(read(join(chart, 'values.yaml'))) as Record<string, unknown> & { streams: unknown; port: number; probes: { liveness: { path: string }; readiness: { path: string } } };
    parseConfig(values.streams, 'values.yaml streams');
    assert.equal(values.probes.liveness.path, '/healthz');
    assert.equal(values.probes.readiness.path, '/readyz');
    const templates = readdirSync(join(DEPLOY, chart, 'templates')).map((f) => read(join(chart, 'templates', f)));
    const all = templates.join('\n');
    for (const kind of ['StatefulSet', 'Service', 'ConfigMap', 'Secret', 'PodDisruptionBudget']) assert.match(all, new RegExp(`^kind: ${kind}$`, 'm'), kind);
    assert.match(all, /livenessProbe:/);
    assert.match(all, /readinessProbe:/);
    for (const [, path] of all.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) {
      let at: unknown = values;
      for (const key of (path as string).split('.')) at = (at as Record<string, unknown> | undefined)?.[key];
      assert.notEqual(at, undefined, `.Values.${path} is in values.yaml`);
    }
    const envNames = [...all.matchAll(/- name: ([A-Z][A-Z0-9_]+)\n\s+value/g)].map((m) => m[1] as string);
    assert.ok(envNames.includes('VIGIL_CLUSTER') && envNames.includes('KAFKA_BROKERS'));
    for (const name of envNames.filter((n) => n !== 'POD_NAME')) assert.ok(GATEWAY_ENV.has(name), `env ${name} is read by the gateway`);
    assert.ok(all.includes('mountPath: /etc/vigil') && all.includes('value: /etc/vigil/streams.yaml'), 'the ConfigMap is mounted where VIGIL_CONFIG points');
  });
});
