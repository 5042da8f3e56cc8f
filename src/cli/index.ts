import { parseArgs } from 'node:util';
import { loadConfig, parseConfig, readEnv, type Config } from '../config';
import { isVigilError } from '../errors';
import { createLogger } from '../observability';
import { serve } from '../main';
import { detectImages, formatDetection } from './detect';
import { tailEvents } from './events';
import { remoteTarget } from './remote';
import { camerasCommand } from './cameras';
import { remoteIdentities } from './remote-identities';
import { isRemote } from './remote';
import { comparePairs, enroll, listIdentities, markNotPerson, readPairsFile, removeIdentity, type Comparison } from './gallery-commands';

const USAGE = `Usage: vigil <command> [options]

Commands:
  serve                      run the gateway (what \`npm start\` runs)
  detect <image>... [--json] find faces in image files; --json prints one JSON object per image,
                             in the same data shape as events (frame size, boxes in pixels, scores)
  enroll --name NAME [--external-id ID] [--metadata JSON] IMAGE...
                             add photos of one person to the gallery in VIGIL_DATA_DIR (one clear
                             face per photo; all or nothing)
  identities list [--json] | identities remove ID_OR_NAME
                             on the local gallery file; with --url URL (or VIGIL_URL) the same
                             commands (and get, add, rename, add-face, remove-face, not-person)
                             go to a running gateway's API (token: --token or VIGIL_TOKEN)
  cameras list | get ID | add ID URL [...] | rm ID | enable ID | disable ID [--json]
                             a running gateway's cameras (--url / VIGIL_URL, --token / VIGIL_TOKEN;
                             passwords with --password-env VAR, never on the command line)
  not-person --identity ID_OR_NAME (--image IMAGE | --track TRACK_ID)
                             "not this person": store a negative example for the identity
  compare IMAGE_A IMAGE_B [--json] | compare --pairs PAIRS.csv [--json]
                             cosine similarity of the largest faces and whether they match
  events [--url URL] [--token TOKEN] [--camera IDS] [--type TYPES] [--json]
                             print a running gateway's events as they arrive (URL: the gateway's
                             http URL or a ws:// events URL; default VIGIL_URL, else
                             VIGIL_HOST/VIGIL_PORT; token: --token or VIGIL_TOKEN)

Environment: VIGIL_CONFIG, VIGIL_PORT, VIGIL_HOST, VIGIL_DATA_DIR, KAFKA_BROKERS,
VIGIL_KAFKA_TOPIC, LOG_LEVEL, FFMPEG_PATH, VIGIL_TOKENS, VIGIL_TOKENS_FILE, VIGIL_URL,
VIGIL_TOKEN (see README.md).`;

/** Commands that do not run the gateway still honour the streams file's settings when there is one. */
function configForTools(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (isVigilError(error) && error.code === 'VIGIL_ERR_CONFIG_NOT_FOUND' && !process.env.VIGIL_CONFIG) {
      const env = readEnv(process.env, process.cwd());
      return { ...parseConfig({}, 'defaults'), env, baseDir: process.cwd(), instanceId: 'cli' };
    }
    throw error;
  }
}

async function detect(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  if (positionals.length === 0) {
    process.stderr.write('vigil detect: give at least one image file\n');
    return 2;
  }
  const config = configForTools();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr as never);
  const results = await detectImages(positionals, config, logger);
  for (const result of results) process.stdout.write(`${values.json ? JSON.stringify(result) : formatDetection(result)}\n`);
  return 0;
}

function toolLogger() {
  return createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr as never);
}

async function enrollCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { name: { type: 'string' }, 'external-id': { type: 'string' }, metadata: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (!values.name || positionals.length === 0) {
    process.stderr.write('vigil enroll: give --name NAME and at least one image\n');
    return 2;
  }
  const metadata = values.metadata === undefined ? undefined : (JSON.parse(values.metadata) as Record<string, unknown>);
  const options = { ...(values['external-id'] !== undefined && { externalId: values['external-id'] }), ...(metadata && { metadata }) };
  const { identity, problems } = await enroll(configForTools(), toolLogger(), values.name, positionals, options);
  for (const p of problems) process.stderr.write(`vigil enroll: ${p.message} [${p.code}]\n`);
  if (problems.length > 0) {
    process.stderr.write('vigil enroll: nothing was enrolled\n');
    return 1;
  }
  process.stdout.write(`${values.json ? JSON.stringify(identity) : `enrolled ${values.name}: ${JSON.stringify(identity)}`}\n`);
  return 0;
}

async function identitiesCommand(args: string[]): Promise<number> {
  const urlFlag = args.find((a) => a === '--url' || a.startsWith('--url='));
  if (isRemote(urlFlag ? { url: urlFlag } : {}, process.env)) return remoteIdentities(args);
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  const [action, ref] = positionals;
  const config = configForTools();
  if (action === 'list') {
    const list = listIdentities(config) as { id: string; name: string; faces: number; negatives: number }[];
    if (values.json) process.stdout.write(`${JSON.stringify(list)}\n`);
    else for (const i of list) process.stdout.write(`${i.name}\t${i.id}\tfaces=${i.faces}\tnegatives=${i.negatives}\n`);
    return 0;
  }
  if (action === 'remove' && ref) {
    if (removeIdentity(config, ref)) return 0;
    process.stderr.write(`vigil identities remove: no identity "${ref}" [VIGIL_ERR_IDENTITY_NOT_FOUND]\n`);
    return 1;
  }
  process.stderr.write('vigil identities: use "list" or "remove ID_OR_NAME"\n');
  return 2;
}

async function notPersonCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { identity: { type: 'string' }, image: { type: 'string' }, track: { type: 'string' } } });
  if (!values.identity || (values.image === undefined) === (values.track === undefined)) {
    process.stderr.write('vigil not-person: give --identity and one of --image or --track\n');
    return 2;
  }
  const source = { ...(values.image !== undefined && { image: values.image }), ...(values.track !== undefined && { track: values.track }) };
  process.stdout.write(`${JSON.stringify(await markNotPerson(configForTools(), toolLogger(), values.identity, source))}\n`);
  return 0;
}

async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { pairs: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true });
  let pairs: [string, string][];
  if (values.pairs !== undefined) pairs = readPairsFile(values.pairs);
  else if (positionals.length === 2) pairs = [[positionals[0] as string, positionals[1] as string]];
  else {
    process.stderr.write('vigil compare: give IMAGE_A IMAGE_B, or --pairs PAIRS.csv\n');
    return 2;
  }
  const print = (c: Comparison): void => {
    if (values.json) process.stdout.write(`${JSON.stringify(c)}\n`);
    else if (c.error) process.stdout.write(`${c.image_a}  ${c.image_b}  error: ${c.error.message}\n`);
    else process.stdout.write(`${c.image_a}  ${c.image_b}  similarity ${(c.similarity as number).toFixed(4)}  ${c.match ? 'match' : 'no match'}\n`);
  };
  const failures = await comparePairs(configForTools(), toolLogger(), pairs, print);
  return failures > 0 ? 1 : 0;
}

async function events(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { url: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean', default: false }, camera: { type: 'string' }, type: { type: 'string' } },
  });
  const target = remoteTarget({ url: values.url, token: values.token }, process.env);
  // An http(s) gateway URL or a ws(s) events URL: both lead to /v1/events.
  const url = new URL(/^wss?:/.test(target.url) ? target.url : `${target.url.replace(/^http/, 'ws')}/v1/events`);
  if (values.camera) url.searchParams.set('camera', values.camera);
  if (values.type) url.searchParams.set('type', values.type);
  return tailEvents(url.toString(), values.json ?? false, target.token);
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        await serve();
        return;
      case 'detect':
        process.exitCode = await detect(rest);
        return;
      case 'events':
        process.exitCode = await events(rest);
        return;
      case 'enroll':
        process.exitCode = await enrollCommand(rest);
        return;
      case 'identities':
        process.exitCode = await identitiesCommand(rest);
        return;
      case 'cameras':
        process.exitCode = await camerasCommand(rest);
        return;
      case 'not-person':
        process.exitCode = await notPersonCommand(rest);
        return;
      case 'compare':
        process.exitCode = await compareCommand(rest);
        return;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exitCode = command === undefined ? 2 : 0;
        return;
      default:
        process.stderr.write(`vigil: unknown command "${command}"\n\n${USAGE}\n`);
        process.exitCode = 2;
    }
  } catch (error) {
    const message = isVigilError(error) ? `${error.message} [${error.code}]` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`vigil ${command}: ${message}\n`);
    process.exitCode = 1;
  }
}
