import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigWatcher } from '../../../src/control';
import { ConfigMapVolume } from '../../helpers/configmap';
import { waitFor } from '../../helpers/wait';

describe('streams file watcher', () => {
  const watchers: ConfigWatcher[] = [];
  after(() => watchers.forEach((w) => w.close()));
  const watch = (path: string, onError?: (e: Error) => void) => {
    const changes: number[] = [];
    const errors: string[] = [];
    const watcher = new ConfigWatcher(path, () => changes.push(Date.now()), { debounceMs: 50, onError: (e) => (errors.push(e.message), onError?.(e)) });
    watchers.push(watcher);
    watcher.start();
    return { watcher, changes, errors };
  };

  it('sees a ConfigMap-style update (a ..data symlink swap), and only when the content changed', async () => {
    const volume = new ConfigMapVolume('cameras: []\n');
    const { changes, watcher } = watch(volume.path);
    volume.update('cameras: [{id: a, url: "rtsp://127.0.0.1/a"}]\n');
    await waitFor(() => changes.length === 1, { timeoutMs: 5000, what: 'the swap to be seen' });

    // The same content again (a ConfigMap re-sync), then an unrelated file: each is read and
    // hashed (the check count moves), and neither reloads.
    for (const touch of [() => volume.update('cameras: [{id: a, url: "rtsp://127.0.0.1/a"}]\n'), () => writeFileSync(join(volume.dir, 'notes.txt'), 'x')]) {
      const checks = watcher.checks;
      touch();
      await waitFor(() => watcher.checks > checks, { timeoutMs: 5000, what: 'the watcher to look at the file' });
      assert.equal(changes.length, 1);
    }

    volume.update('cameras: []\n');
    await waitFor(() => changes.length === 2, { timeoutMs: 5000, what: 'the second swap' });
  });

  it('sees an edit in place and a replace by rename of a plain file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-watch-'));
    const path = join(dir, 'streams.yaml');
    writeFileSync(path, 'cameras: []\n');
    const { changes } = watch(path);
    writeFileSync(path, 'cameras: [] # edited\n');
    await waitFor(() => changes.length === 1, { timeoutMs: 5000, what: 'the edit' });
    writeFileSync(join(dir, '.streams.yaml.swp'), 'cameras: [] # renamed\n');
    renameSync(join(dir, '.streams.yaml.swp'), path);
    await waitFor(() => changes.length === 2, { timeoutMs: 5000, what: 'the rename' });
  });

  it('follows a symlink into another folder: edits at the target are seen', async () => {
    const target = mkdtempSync(join(tmpdir(), 'vigil-watch-target-'));
    writeFileSync(join(target, 'real.yaml'), 'cameras: []\n');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-watch-link-'));
    symlinkSync(join(target, 'real.yaml'), join(dir, 'streams.yaml'));
    const { changes } = watch(join(dir, 'streams.yaml'));
    writeFileSync(join(target, 'real.yaml'), 'cameras: [] # edited at the target\n');
    await waitFor(() => changes.length === 1, { timeoutMs: 5000, what: 'the edit at the target' });
  });

  it('reports a broken watch (its folder removed) and watches again once the folder is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-watch-gone-'));
    const path = join(dir, 'streams.yaml');
    writeFileSync(path, 'cameras: []\n');
    const { changes, errors, watcher } = watch(path);
    rmSync(dir, { recursive: true });
    await waitFor(() => errors.length >= 1, { timeoutMs: 5000, what: 'the error to be reported' });
    assert.match(errors[0] as string, /removed or replaced|ENOENT/);
    mkdirSync(dir);
    writeFileSync(path, 'cameras: [] # back\n');
    await waitFor(() => changes.length === 1, { timeoutMs: 10_000, what: 'the watch re-armed and the new content seen' });
    writeFileSync(path, 'cameras: [] # and edited\n');
    await waitFor(() => changes.length === 2, { timeoutMs: 5000, what: 'later edits seen too' });
    assert.ok(watcher);
  });
});
