import type { Command } from 'commander';
import { UsageError } from '../exit-codes';
import type { Comparison } from '../gallery-commands';
import { run, sub, type CliState } from '../program';
import { gallery, tools } from '../tools';

export function registerCompare(program: Command, state: CliState): void {
  sub(program, 'compare', 'similarity of the largest faces of two photos, or of each pair in a CSV file')
    .argument('[imageA]', 'first photo')
    .argument('[imageB]', 'second photo')
    .option('--pairs <file>', 'CSV file of rows "image_a,image_b" (optional header), instead of two photos')
    .option('--json', 'one JSON object per pair: image_a, image_b, similarity, match (and error)')
    .addHelpText('after', '\n`match` is the similarity at recognition.matchThreshold. Exit code 1 when any pair could not be compared.')
    .action(
      run(state, async (a: string | undefined, b: string | undefined, options: { pairs?: string; json?: boolean }) => {
        let pairs: [string, string][];
        if (options.pairs !== undefined) pairs = gallery().readPairsFile(options.pairs);
        else if (a !== undefined && b !== undefined) pairs = [[a, b]];
        else throw new UsageError('give IMAGE_A IMAGE_B, or --pairs PAIRS.csv');
        const print = (c: Comparison): void => {
          if (options.json) process.stdout.write(`${JSON.stringify(c)}\n`);
          else if (c.error) process.stdout.write(`${c.image_a}  ${c.image_b}  error: ${c.error.message}\n`);
          else process.stdout.write(`${c.image_a}  ${c.image_b}  similarity ${(c.similarity as number).toFixed(4)}  ${c.match ? 'match' : 'no match'}\n`);
        };
        const failures = await gallery().comparePairs(tools().configForTools(), tools().toolLogger(), pairs, print);
        return failures > 0 ? 1 : 0;
      }),
    );
}
