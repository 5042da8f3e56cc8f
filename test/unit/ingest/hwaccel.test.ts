import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HWACCEL_SETTINGS, chooseHwAccel, hwAccelFailed, type HwAccelMethod } from '../../../src/ingest';
import { HWACCEL_VALUES } from '../../../src/config/schema';

const BUILD = ['cuda', 'vaapi', 'qsv', 'drm', 'opencl', 'vulkan'];

describe('chooseHwAccel', () => {
  const devices = (working: HwAccelMethod[]) => {
    const tried: string[] = [];
    const tryDevice = (method: HwAccelMethod): string | null => {
      tried.push(method);
      return working.includes(method) ? null : `no ${method} device`;
    };
    return { tried, tryDevice };
  };

  it('none never touches a device', () => {
    const d = devices(['cuda']);
    assert.deepEqual(chooseHwAccel('none', BUILD, d.tryDevice), { requested: 'none', active: 'none', reason: null });
    assert.deepEqual(d.tried, []);
  });

  it('a method whose device opens is used', () => {
    assert.deepEqual(chooseHwAccel('vaapi', BUILD, devices(['vaapi']).tryDevice), { requested: 'vaapi', active: 'vaapi', reason: null });
  });

  it('a method whose device is absent falls back to software, saying why', () => {
    const choice = chooseHwAccel('cuda', BUILD, devices([]).tryDevice);
    assert.equal(choice.active, 'none');
    assert.equal(choice.reason, 'cuda: no cuda device; decoding in software');
  });

  it('a method the FFmpeg build lacks is never tried', () => {
    const d = devices(['qsv']);
    const choice = chooseHwAccel('qsv', ['vdpau', 'vaapi'], d.tryDevice);
    assert.deepEqual(d.tried, []);
    assert.equal(choice.reason, 'qsv: not in this FFmpeg build; decoding in software');
  });

  it('auto takes the first that works, in order, and software with every reason when none does', () => {
    const some = devices(['qsv', 'vulkan']);
    assert.equal(chooseHwAccel('auto', BUILD, some.tryDevice).active, 'qsv');
    assert.deepEqual(some.tried, ['cuda', 'vaapi', 'qsv']);
    const none = chooseHwAccel('auto', ['vaapi'], devices([]).tryDevice);
    assert.equal(none.active, 'none');
    assert.match(none.reason ?? '', /^no hardware decoder works here \(cuda: not in this FFmpeg build; vaapi: no vaapi device; qsv: .*; vulkan: .*\); decoding in software$/);
  });

  it('a device that works but a decoder that will not open on it means software too', () => {
    const failed = hwAccelFailed({ requested: 'auto', active: 'cuda', reason: null }, 'opening the h264 decoder on it failed');
    assert.deepEqual(failed, { requested: 'auto', active: 'none', reason: 'cuda: opening the h264 decoder on it failed; decoding in software' });
  });

  it('the config accepts exactly the settings the decoders know', () => {
    assert.deepEqual([...HWACCEL_VALUES].sort(), [...HWACCEL_SETTINGS].sort());
  });
});
