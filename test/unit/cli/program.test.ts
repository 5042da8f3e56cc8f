import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, runCli } from '../../../src/cli';
import { ROOT } from '../../helpers/paths';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** Every command line that must have its own help: each command and each subcommand. */
const COMMANDS = [
  ['serve'],
  ['detect'],
  ['enroll'],
  ['identities'],
  ['identities', 'list'],
  ['identities', 'get'],
  ['identities', 'add'],
  ['identities', 'rename'],
  ['identities', 'remove'],
  ['identities', 'add-face'],
  ['identities', 'remove-face'],
  ['identities', 'not-person'],
  ['cameras'],
  ['cameras', 'list'],
  ['cameras', 'get'],
  ['cameras', 'add'],
  ['cameras', 'rm'],
  ['cameras', 'enable'],
  ['cameras', 'disable'],
  ['not-person'],
  ['compare'],
  ['events'],
  ['config'],
  ['config', 'check'],
];

describe('vigil command line (commander)', () => {
  for (const command of COMMANDS) {
    it(`vigil ${command.join(' ')} --help prints its own help and exits 0`, async () => {
      for (const flag of ['--help', '-h']) {
        const { code, out, err } = await cli(...command, flag);
        assert.equal(code, EXIT.OK, err);
        assert.match(out, new RegExp(`^Usage: vigil ${command.join(' ')}[ |]`));
        assert.match(out, /--version/, 'every command lists --version');
      }
      // `vigil help CMD` and, for subcommands, `vigil GROUP help SUB`.
      const viaHelp = await cli(...command.slice(0, -1), 'help', command.at(-1) as string);
      assert.equal(viaHelp.code, EXIT.OK, viaHelp.err);
      assert.match(viaHelp.out, new RegExp(`^Usage: vigil ${command.join(' ')}[ |]`));
    });

    it(`vigil ${command.join(' ')} --version prints the version`, async () => {
      const { code, out } = await cli(...command, '--version');
      assert.deepEqual([code, out], [EXIT.OK, `${VERSION}\n`]);
    });
  }

  it('vigil --help lists every command, the exit codes and the environment', async () => {
    const { code, out } = await cli('--help');
    assert.equal(code, EXIT.OK);
    for (const name of ['serve', 'detect', 'enroll', 'identities', 'cameras', 'not-person', 'compare', 'events', 'config']) assert.match(out, new RegExp(`\\n  ${name} `));
    assert.match(out, /Exit codes:\n  0 .*\n  1 .*\n[\s\S]*  2 .*usage or configuration error[\s\S]*  3 .*serve only: start-up failure/);
    assert.match(out, /LOG_FORMAT/);
  });

  it('suggests the command or option meant, and exits 2', async () => {
    const typo = await cli('enrol', '--name', 'x');
    assert.equal(typo.code, EXIT.USAGE);
    assert.match(typo.err, /unknown command 'enrol'\n\(Did you mean enroll\?\)/);
    const option = await cli('detect', '--jsn', 'a.jpg');
    assert.equal(option.code, EXIT.USAGE);
    assert.match(option.err, /unknown option '--jsn'\n\(Did you mean --json\?\)/);
    const sub = await cli('identities', 'lsit');
    assert.equal(sub.code, EXIT.USAGE);
    assert.match(sub.err, /Did you mean list\?/);
  });

  it('usage errors exit 2 and say what is missing', async () => {
    assert.equal((await cli()).code, EXIT.USAGE);
    const detect = await cli('detect');
    assert.deepEqual([detect.code, /missing required argument 'images'/.test(detect.err)], [EXIT.USAGE, true]);
    const enroll = await cli('enroll', 'a.jpg');
    assert.deepEqual([enroll.code, /give --name NAME and at least one image, or --dir PEOPLE\//.test(enroll.err)], [EXIT.USAGE, true]);
    const both = await cli('enroll', '--dir', 'people', '--name', 'Ada');
    assert.equal(both.code, EXIT.USAGE);
    const remoteOnly = await cli('identities', 'get', 'ada');
    assert.deepEqual([remoteOnly.code, /works against a running gateway/.test(remoteOnly.err)], [EXIT.USAGE, true]);
    const notPerson = await cli('not-person', '--identity', 'ada');
    assert.deepEqual([notPerson.code, /give one of --image or --track/.test(notPerson.err)], [EXIT.USAGE, true]);
    const compare = await cli('compare', 'a.jpg');
    assert.equal(compare.code, EXIT.USAGE);
    const excess = await cli('events', 'extra');
    assert.equal(excess.code, EXIT.USAGE);
  });

  it('a missing or invalid streams file for `config check` is a configuration error: exit 2, naming the file or field', async () => {
    const missing = await cli('config', 'check', join(ROOT, 'no-such-streams.yaml'));
    assert.equal(missing.code, EXIT.USAGE);
    assert.match(missing.err, /^vigil config check: cannot read configuration file .*no-such-streams\.yaml \[VIGIL_ERR_CONFIG_NOT_FOUND\]/);
  });
});
