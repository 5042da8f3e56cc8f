#!/usr/bin/env node
'use strict';
// Makes the batched variants of the face models: the shipped ONNX files (exported from PyTorch
// with a fixed batch dimension of 1) rewritten so that the batch dimension is symbolic ("batch").
// Offline and reproducible: the same source bytes give the same output bytes, whose sha256 is in
// models/manifest.json. Nothing but the batch dimension changes:
//   - dimension 0 of every graph input and output becomes the symbolic "batch";
//   - a Reshape whose target shape is a constant starting with 1 (fr_feature's [1, -1] flatten)
//     gets 0 there instead, ONNX's "copy this dimension from the input", i.e. the batch;
//   - intermediate value_info (shape hints that would pin the batch to 1) is dropped.
// Weights and every other node are untouched. The unit test test/unit/scripts/batch-models.test.ts
// reruns this conversion and checks the bytes against the manifest, and the integration test
// checks that every model gives, per frame or face, the same outputs as its source.
//
//   node scripts/batch-models.js          write the variants and their sha256 into the manifest
//   node scripts/batch-models.js --check  convert in memory; exit 1 if a file or hash differs
const { createHash } = require('node:crypto');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { onnx } = require('onnx-proto');

const BATCH_DIM = 'batch';
const INT64 = 7;

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The int64 values of a shape tensor (raw little-endian or int64_data), or null for other tensors. */
function int64Values(tensor) {
  if (!tensor || tensor.dataType !== INT64) return null;
  if (tensor.rawData && tensor.rawData.length > 0) {
    const raw = Buffer.from(tensor.rawData);
    const out = [];
    for (let i = 0; i + 8 <= raw.length; i += 8) out.push(raw.readBigInt64LE(i));
    return out;
  }
  return tensor.int64Data.map((v) => BigInt(String(v)));
}

function setInt64Values(tensor, values) {
  const raw = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => raw.writeBigInt64LE(v, i * 8));
  tensor.rawData = raw;
  tensor.int64Data = [];
}

function makeBatchSymbolic(valueInfo) {
  const dims = valueInfo.type && valueInfo.type.tensorType && valueInfo.type.tensorType.shape && valueInfo.type.tensorType.shape.dim;
  if (!dims || dims.length === 0) throw new Error(`${valueInfo.name}: no shape to make batched`);
  const first = dims[0];
  if (first.dimParam) return;
  if (String(first.dimValue) !== '1') throw new Error(`${valueInfo.name}: batch dimension is ${String(first.dimValue)}, expected 1`);
  dims[0] = onnx.TensorShapeProto.Dimension.create({ dimParam: BATCH_DIM });
}

/** Returns the batched model's bytes and what was changed. */
function batchedModel(bytes) {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  const changes = [];
  for (const value of [...graph.input.filter((i) => !graph.initializer.some((t) => t.name === i.name)), ...graph.output]) {
    makeBatchSymbolic(value);
    changes.push(`${value.name}: dim 0 -> ${BATCH_DIM}`);
  }
  const constants = new Map(graph.initializer.map((t) => [t.name, t]));
  for (const node of graph.node) if (node.opType === 'Constant' && node.attribute[0] && node.attribute[0].t) constants.set(node.output[0], node.attribute[0].t);
  for (const node of graph.node) {
    if (node.opType !== 'Reshape') continue;
    const shape = constants.get(node.input[1]);
    const values = int64Values(shape);
    if (!values || values[0] !== 1n) continue;
    const users = graph.node.filter((n) => n.input.includes(node.input[1]));
    if (users.length !== 1) throw new Error(`Reshape ${node.name || node.output[0]}: its shape constant is shared; refusing to change it`);
    values[0] = 0n;
    setInt64Values(shape, values);
    changes.push(`Reshape -> ${node.output[0]}: shape [1, ...] -> [0, ...] (copy the batch)`);
  }
  if (graph.valueInfo.length > 0) changes.push(`dropped ${graph.valueInfo.length} value_info shape hints`);
  graph.valueInfo = [];
  return { bytes: Buffer.from(onnx.ModelProto.encode(model).finish()), changes };
}

/** Two-space JSON with short arrays (shapes) on one line, as the manifest is written by hand. */
function formatManifest(manifest) {
  const text = JSON.stringify(manifest, null, 2).replace(/\[\s+([^[\]{}]*?)\s+\]/g, (_, inner) => `[${inner.split(/,\s+/).join(', ')}]`);
  return `${text}\n`;
}

/** Converts every manifest entry that names a `source`; returns what it found, writing only when asked. */
function convertAll(modelsDir, { write }) {
  const manifestPath = join(modelsDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const results = [];
  for (const [name, entry] of Object.entries(manifest.models)) {
    if (!entry.source) continue;
    const source = readFileSync(join(modelsDir, entry.source.file));
    if (sha256(source) !== entry.source.sha256) throw new Error(`${name}: ${entry.source.file} has sha256 ${sha256(source)}, manifest says ${entry.source.sha256}`);
    const { bytes, changes } = batchedModel(source);
    const hash = sha256(bytes);
    let onDisk = null;
    try {
      onDisk = sha256(readFileSync(join(modelsDir, entry.file)));
    } catch {
      onDisk = null;
    }
    if (write) {
      writeFileSync(join(modelsDir, entry.file), bytes);
      entry.sha256 = hash;
    }
    results.push({ name, file: entry.file, sha256: hash, manifestSha256: entry.sha256, fileSha256: write ? hash : onDisk, changes });
  }
  if (write) writeFileSync(manifestPath, formatManifest(manifest));
  return results;
}

module.exports = { batchedModel, convertAll, BATCH_DIM };

if (require.main === module) {
  const check = process.argv.includes('--check');
  const dir = join(__dirname, '..', 'models');
  const results = convertAll(dir, { write: !check });
  let stale = false;
  for (const r of results) {
    const ok = r.sha256 === r.manifestSha256 && r.sha256 === r.fileSha256;
    if (!ok) stale = true;
    process.stdout.write(`${r.name}: ${r.file} sha256 ${r.sha256}${check ? (ok ? ' (matches)' : ` (manifest ${r.manifestSha256}, file ${r.fileSha256})`) : ''}\n`);
    for (const c of r.changes) process.stdout.write(`  ${c}\n`);
  }
  if (check && stale) {
    process.stderr.write('batched models differ from the conversion: run node scripts/batch-models.js\n');
    process.exitCode = 1;
  }
}
