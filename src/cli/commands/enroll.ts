import type { Command } from 'commander';
import { planBulk, runBulk, formatReport, type Enroller } from '../bulk-enrol';
import { UsageError } from '../exit-codes';
import { ProgressBar } from '../progress';
import { remoteTarget } from '../remote';
import { run, sub, type CliState } from '../program';
import { gallery, tools } from '../tools';

// Loaded when the command runs, so that `vigil --help` does not load the gateway's modules.
const enrollers = (): typeof import('../bulk-enrollers') => require('../bulk-enrollers') as typeof import('../bulk-enrollers');

interface EnrollOptions {
  name?: string;
  externalId?: string;
  metadata?: string;
  json?: boolean;
  dir?: string;
  url?: string;
  token?: string;
}

function parseMetadata(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--metadata is not valid JSON (${(error as Error).message}); give a JSON object, e.g. '{"team":"red"}'`, 'VIGIL_ERR_BAD_REQUEST');
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new UsageError('--metadata must be a JSON object, e.g. \'{"team":"red"}\'', 'VIGIL_ERR_BAD_REQUEST');
}

/** `--dir PEOPLE/`: every person folder, locally or against a gateway; the summary on stdout. */
async function enrollDir(options: EnrollOptions): Promise<number> {
  const plan = planBulk(options.dir as string);
  const total = plan.people.reduce((n, p) => n + p.photos.length, 0);
  let enroller: Enroller;
  if (options.url !== undefined) enroller = enrollers().remoteEnroller(remoteTarget({ url: options.url, token: options.token }, process.env));
  else enroller = await enrollers().localEnroller(tools().configForTools(), tools().toolLogger());
  const bar = new ProgressBar(total);
  let report;
  try {
    report = await runBulk(plan, enroller, (done, label) => bar.update(done, label));
  } finally {
    bar.clear();
    await enroller.close();
  }
  process.stdout.write(`${options.json ? JSON.stringify(report) : formatReport(report)}\n`);
  return report.refused.length > 0 ? 1 : 0;
}

export function registerEnroll(program: Command, state: CliState): void {
  sub(program, 'enroll', 'add photos of people to the gallery: one person (--name) or a folder of people (--dir)')
    .argument('[images...]', 'photos of the person named by --name')
    .option('--name <name>', 'the person\'s name (with IMAGE...)')
    .option('--external-id <id>', 'your own id for the person (with --name)')
    .option('--metadata <json>', 'a JSON object kept with the identity (with --name)')
    .option('--dir <folder>', 'bulk: one sub-folder per person, the folder\'s name is the person\'s name')
    .option('--url <url>', 'with --dir: enrol through this running gateway instead of the local gallery')
    .option('--token <token>', 'with --url: access token (default VIGIL_TOKEN; operator role)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
One person: every photo must hold exactly one face, at least 64 px high and sharp enough;
otherwise nothing is enrolled, each refusal is printed and the exit code is 1.

Bulk (--dir PEOPLE/): photos are enrolled one by one; a refused photo is listed in the summary
with its VIGIL_ERR_* code and reason and the others go in. Photos already enrolled for that
person (same sha256) are skipped, so the command is safe to run again. A progress bar is drawn
on stderr when it is a terminal. Exit code 0 when nothing was refused, 1 when anything was.
Local by default (VIGIL_DATA_DIR/gallery.db; a running gateway picks changes up); with --url
(VIGIL_URL is not used here) through the gateway's API.

Examples:
  vigil enroll --name "Ada Lovelace" ada1.jpg ada2.jpg
  vigil enroll --dir people/
  vigil enroll --dir people/ --url http://gateway:8080 --token "$OPERATOR_TOKEN"`,
    )
    .action(
      run(state, async (images: string[], options: EnrollOptions) => {
        if (options.dir !== undefined) {
          if (options.name !== undefined || options.externalId !== undefined || options.metadata !== undefined || images.length > 0) {
            throw new UsageError('--dir takes no --name, --external-id, --metadata or IMAGE (the folder names are the names)');
          }
          return enrollDir(options);
        }
        if (options.url !== undefined) throw new UsageError('--url works with --dir; for one person on a gateway use: vigil identities --url URL add --name NAME IMAGE...');
        if (!options.name || images.length === 0) throw new UsageError('give --name NAME and at least one image, or --dir PEOPLE/');
        const metadata = parseMetadata(options.metadata);
        const extra = { ...(options.externalId !== undefined && { externalId: options.externalId }), ...(metadata && { metadata }) };
        const { identity, problems } = await gallery().enroll(tools().configForTools(), tools().toolLogger(), options.name, images, extra);
        for (const p of problems) process.stderr.write(`vigil enroll: ${p.message} [${p.code}]\n`);
        if (problems.length > 0) {
          process.stderr.write('vigil enroll: nothing was enrolled\n');
          return 1;
        }
        process.stdout.write(`${options.json ? JSON.stringify(identity) : `enrolled ${options.name}: ${JSON.stringify(identity)}`}\n`);
        return 0;
      }),
    );
}
