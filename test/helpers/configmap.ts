import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Kubernetes ConfigMap volume, as the kubelet writes it: the data in a timestamped folder,
 * `..data` a symlink to it, `streams.yaml -> ..data/streams.yaml`. An update writes a new folder,
 * points `..data_tmp` at it and renames `..data_tmp` over `..data` (atomic), then deletes the old
 * folder. No event in the watched folder ever names `streams.yaml`.
 */
export class ConfigMapVolume {
  readonly dir: string;
  readonly path: string;
  #generation = 0;
  #current = '';

  constructor(text: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'vigil-configmap-'));
    this.path = join(this.dir, 'streams.yaml');
    this.#current = this.#writeData(text);
    symlinkSync(this.#current, join(this.dir, '..data'));
    symlinkSync('..data/streams.yaml', this.path);
  }

  #writeData(text: string): string {
    this.#generation += 1;
    const name = `..2026_12_01_00_00_0${this.#generation}.${process.pid}`;
    mkdirSync(join(this.dir, name));
    writeFileSync(join(this.dir, name, 'streams.yaml'), text);
    return name;
  }

  update(text: string): void {
    const previous = this.#current;
    this.#current = this.#writeData(text);
    symlinkSync(this.#current, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    rmSync(join(this.dir, previous), { recursive: true });
  }
}

