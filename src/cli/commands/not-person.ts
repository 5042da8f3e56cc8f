import type { Command } from 'commander';
import { UsageError } from '../exit-codes';
import { run, sub, type CliState } from '../program';
import { gallery, tools } from '../tools';

export function registerNotPerson(program: Command, state: CliState): void {
  sub(program, 'not-person', '"not this person": store a negative example for an identity (local gallery)')
    .requiredOption('--identity <idOrName>', 'the identity (id, name or external id)')
    .option('--image <file>', 'a photo of someone who is not this person (its largest face is used)')
    .option('--track <trackId>', 'a recognised track that was not this person')
    .addHelpText('after', '\nFaces closer to an identity\'s negatives than to its enrolled faces are never named that identity.\nAgainst a running gateway: vigil identities --url URL not-person ID (--image IMAGE | --track TRACK).')
    .action(
      run(state, async (options: { identity: string; image?: string; track?: string }) => {
        if ((options.image === undefined) === (options.track === undefined)) throw new UsageError('give one of --image or --track');
        const source = { ...(options.image !== undefined && { image: options.image }), ...(options.track !== undefined && { track: options.track }) };
        process.stdout.write(`${JSON.stringify(await gallery().markNotPerson(tools().configForTools(), tools().toolLogger(), options.identity, source))}\n`);
        return 0;
      }),
    );
}
