// The external contract `npm run sample:digits -- --model unet|mlp --class C --n N --steps S --guidance W --seed SEED
// --out FILE`: N × 784 unsigned bytes of digits from the shipped model, and a non-zero exit with a message on a
// bad argument. The option checks run in-process; the script itself runs as a child process (small N and S).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../../scripts/sample-digits-args';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const shipped = (dir: string) => existsSync(join(ROOT, 'public', 'models', 'diffusion', dir, 'weights.bin'));
const tmp = mkdtempSync(join(tmpdir(), 'sample-digits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const GOOD = ['--model', 'mlp', '--class', '3', '--n', '2', '--steps', '4', '--guidance', '2', '--seed', '5', '--out', 'x.bin'];
const withArg = (name: string, value: string | null) => {
  const i = GOOD.indexOf(`--${name}`);
  return value === null ? [...GOOD.slice(0, i), ...GOOD.slice(i + 2)] : [...GOOD.slice(0, i + 1), value, ...GOOD.slice(i + 2)];
};

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, ['scripts/sample-digits.ts', ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('sample:digits options', () => {
  it('reads a good command line', () => {
    expect(parseArgs(GOOD)).toEqual({ model: 'mlp', label: 3, n: 2, steps: 4, guidance: 2, seed: 5, out: 'x.bin' });
    expect(parseArgs(withArg('model', 'unet')).model).toBe('unet');
    expect(parseArgs(withArg('guidance', '0.5')).guidance).toBe(0.5);
  });

  it.each([
    ['an unknown model', withArg('model', 'cnn'), /--model must be unet or mlp/],
    ['a class above 9', withArg('class', '10'), /--class must be a digit class 0–9/],
    ['a negative class', withArg('class', '-1'), /--class must be a digit class/],
    ['a fractional class', withArg('class', '2.5'), /--class must be/],
    ['n = 0', withArg('n', '0'), /--n must be a positive whole number/],
    ['n not a number', withArg('n', 'ten'), /--n must be/],
    ['steps = 0', withArg('steps', '0'), /--steps must be/],
    ['negative steps', withArg('steps', '-3'), /--steps must be/],
    ['NaN guidance', withArg('guidance', 'NaN'), /--guidance must be a finite number/],
    ['infinite guidance', withArg('guidance', 'Infinity'), /--guidance must be a finite number/],
    ['a missing out', withArg('out', null), /--out is missing/],
    ['a missing seed', withArg('seed', null), /--seed is missing/],
    ['an option without its value', [...GOOD.slice(0, -1)], /--out needs a value/],
    ['an unknown option', [...GOOD, '--eta', '1'], /unknown option --eta/],
  ])('refuses %s with a message', (_what, argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe.skipIf(!shipped('digits'))('sample:digits run', () => {
  it('writes N × 784 bytes of digits: dark background, bright strokes', async () => {
    const out = join(tmp, 'mlp.bin');
    const r = await run([...withArg('out', out)]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes.length).toBe(2 * 784);
    // A digit: mostly black pixels (MNIST's background) and some bright ones (the strokes).
    for (let k = 0; k < 2; k++) {
      const img = bytes.subarray(k * 784, (k + 1) * 784);
      expect(img.filter((v) => v < 64).length).toBeGreaterThan(0.5 * 784);
      expect(img.filter((v) => v > 192).length).toBeGreaterThan(20);
    }
  }, 120_000);

  it.runIf(shipped('digits-unet'))('samples the U-Net too', async () => {
    const out = join(tmp, 'unet.bin');
    const r = await run([...withArg('model', 'unet').slice(0, -1), out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out).length).toBe(2 * 784);
  }, 120_000);

  it('exits non-zero with the message and the usage on a bad argument, writing nothing', async () => {
    const out = join(tmp, 'bad.bin');
    const r = await run([...withArg('class', '12').slice(0, -1), out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--class must be a digit class 0–9, got "12"/);
    expect(r.stderr).toMatch(/usage: npm run sample:digits/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
