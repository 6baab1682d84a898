// Stores a shipped model's weights as float16 (half the bytes; the app decodes them to float32 at load):
//   npx tsx scripts/weights-float16.ts public/models/diffusion/digits [more model folders…]
// Each folder holds model.json and the weights file it names; both are rewritten in place, the manifest entries
// marked `quantization: { dtype: 'float16' }`. A folder already in float16 is left as it is. The test that the
// recorded held-out losses still reproduce is tests/unit/models/diffusion/float16.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toFloat16, type ManifestJson } from '../src/models/weightsIo';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: npx tsx scripts/weights-float16.ts <model folder> [more folders…]');
  process.exit(2);
}
for (const dir of dirs) {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ManifestJson;
  const group = json.weightsManifest[0];
  if (json.weightsManifest.length !== 1) throw new Error(`${dir}: expected one weights group`);
  if (group.weights.every((w) => w.quantization?.dtype === 'float16')) {
    console.log(`${dir}: already float16`);
    continue;
  }
  const path = join(dir, group.paths[0]);
  const before = readFileSync(path);
  const { specs, weights } = toFloat16(group.weights, before.buffer.slice(before.byteOffset, before.byteOffset + before.byteLength));
  writeFileSync(path, new Uint8Array(weights));
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify({ ...json, weightsManifest: [{ ...group, weights: specs }] }, null, 1)}\n`);
  console.log(`${dir}: ${before.byteLength} → ${weights.byteLength} bytes`);
}
