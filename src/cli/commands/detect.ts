import type { Command } from 'commander';
import { run, sub, type CliState } from '../program';
import { tools } from '../tools';

// Loaded when the command runs, so that `vigil --help` does not load the gateway's modules.
const detect = (): typeof import('../detect') => require('../detect') as typeof import('../detect');

export function registerDetect(program: Command, state: CliState): void {
  sub(program, 'detect', 'find faces in image files (no gateway needed)')
    .argument('<images...>', 'image files (JPEG, PNG, WebP, ...)')
    .option('--json', 'one JSON object per image, in the events\' data shape (frame size, boxes in pixels, scores)')
    .addHelpText('after', '\nExample:\n  vigil detect --json photo.jpg')
    .action(
      run(state, async (images: string[], options: { json?: boolean }) => {
        const { detectImages, formatDetection } = detect();
        const results = await detectImages(images, tools().configForTools(), tools().toolLogger());
        for (const result of results) process.stdout.write(`${options.json ? JSON.stringify(result) : formatDetection(result)}\n`);
        return 0;
      }),
    );
}
