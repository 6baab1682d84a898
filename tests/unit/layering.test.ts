// The layering rules are part of the design (docs/architecture.md): these checks break each rule on purpose and
// make sure ESLint really reports it, and that the imports each layer is allowed still pass.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function restrictedImports(filePath: string, spec: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import * as m from '${spec}';\nexport const x = m;\n`, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

/** [file, import, allowed]: one row per rule of eslint.config.js, each broken once and kept once. */
const CASES: [string, string, boolean][] = [
  // core: pure, imports only core
  ['src/core/example.ts', 'react', false],
  ['src/core/example.ts', 'd3-selection', false],
  ['src/core/example.ts', '@tensorflow/tfjs-core', false],
  ['src/core/example.ts', '@tensorflow/tfjs-core/dist/register_all_gradients', false],
  ['src/core/example.ts', '../protocol', false],
  ['src/core/example.ts', '../models/backend', false],
  ['src/core/example.ts', './metrics', true],
  // protocol: types and lists, imports only core
  ['src/protocol/example.ts', '@tensorflow/tfjs-core', false],
  ['src/protocol/example.ts', '../models/backend', false],
  ['src/protocol/example.ts', '../workers/dispatch', false],
  ['src/protocol/example.ts', 'react', false],
  ['src/protocol/example.ts', '../core/image', true],
  // models: core, protocol and tfjs only
  ['src/models/example.ts', '../workers/hosts/modelHost', false],
  ['src/models/example.ts', '../compute/client', false],
  ['src/models/example.ts', '../ui/App', false],
  ['src/models/example.ts', '../state/store', false],
  ['src/models/example.ts', '@tensorflow/tfjs-core', true],
  ['src/models/example.ts', '../protocol/backend', true],
  ['src/models/example.ts', '../core/random', true],
  // workers: no UI, state or page client; tfjs only through models
  ['src/workers/example.ts', '@tensorflow/tfjs-core', false],
  ['src/workers/example.ts', '../ui/App', false],
  ['src/workers/example.ts', '../compute/client', false],
  ['src/workers/example.ts', '../models/backend', true],
  // compute (page side): messages only, never a worker host, a model or React
  ['src/compute/example.ts', '../workers/hosts/denoiser', false],
  ['src/compute/example.ts', '../models/diffusion', false],
  ['src/compute/example.ts', '@tensorflow/tfjs-core', false],
  ['src/compute/example.ts', 'react', false],
  ['src/compute/example.ts', '../protocol', true],
  // state and ui: the protocol layer and the page client, never a worker host or tfjs
  ['src/state/example.ts', '../models/backend', false],
  ['src/state/example.ts', '../workers/dispatch', false],
  ['src/state/example.ts', '../protocol', true],
  ['src/ui/panels/Example.tsx', '@tensorflow/tfjs-core', false],
  ['src/ui/panels/Example.tsx', '../../workers/hosts/analysis', false],
  ['src/ui/panels/Example.tsx', '../../models/diffusion', false],
  ['src/ui/panels/Example.tsx', '../../compute/client', true],
  ['src/ui/panels/Example.tsx', '../../protocol', true],
  ['src/main.tsx', './workers/dispatch', false],
  ['src/main.tsx', './compute/client', true],
];

describe('layering', () => {
  it.each(CASES)('%s importing %s: allowed %s', async (file, spec, allowed) => {
    const msgs = await restrictedImports(file, spec);
    expect(msgs, msgs.join('; ')).toHaveLength(allowed ? 0 : 1);
  });
});
