// The layering rules are part of the design: these checks make sure ESLint really enforces them.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering', () => {
  it('keeps React, d3-selection and tfjs out of src/core', async () => {
    for (const mod of ['react', 'd3-selection', '@tensorflow/tfjs-core', '@tensorflow/tfjs-core/dist/register_all_gradients', '@tensorflow/tfjs-backend-wasm']) {
      const msgs = await restrictedImports('src/core/example.ts', `import * as m from '${mod}';\nexport const x = m;\n`);
      expect(msgs, mod).toHaveLength(1);
    }
  });

  it('keeps the UI layers off tfjs and the model code', async () => {
    expect(await restrictedImports('src/ui/panels/Example.tsx', `import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n`)).toHaveLength(1);
    expect(await restrictedImports('src/state/example.ts', `import { initBackend } from '../models/backend';\nexport const x = initBackend;\n`)).toHaveLength(1);
  });

  it('lets src/models import tfjs and core import core', async () => {
    expect(await restrictedImports('src/models/example.ts', `import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n`)).toEqual([]);
    expect(await restrictedImports('src/core/example.ts', `import { mse } from './metrics';\nexport const x = mse;\n`)).toEqual([]);
  });
});
