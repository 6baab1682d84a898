// The options of scripts/sample-digits.ts (npm run sample:digits), checked: a bad one is an Error whose
// message names it and says what it must be. Apart from the script so tests can check it without tfjs.

export const MODELS = { unet: 'digits-unet', mlp: 'digits' } as const;
export const USAGE = 'usage: npm run sample:digits -- --model unet|mlp --class C --n N --steps S --guidance W --seed SEED --out FILE';

export type SampleArgs = { model: keyof typeof MODELS; label: number; n: number; steps: number; guidance: number; seed: number; out: string };

/** The options, checked; throws an Error whose message says which one is wrong and why. */
export function parseArgs(argv: readonly string[]): SampleArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (!name.startsWith('--')) throw new Error(`unexpected argument "${name}"`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
    values.set(name.slice(2), value);
    i++;
  }
  const known = ['model', 'class', 'n', 'steps', 'guidance', 'seed', 'out'];
  for (const k of values.keys()) if (!known.includes(k)) throw new Error(`unknown option --${k}`);
  const need = (k: string) => {
    const v = values.get(k);
    if (v === undefined || v === '') throw new Error(`--${k} is missing`);
    return v;
  };
  const integer = (k: string, min: number, max: number, what: string) => {
    const raw = need(k);
    const v = Number(raw);
    if (!/^[+-]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v) || v < min || v > max) throw new Error(`--${k} must be ${what}, got "${raw}"`);
    return v;
  };
  const model = need('model');
  if (!(model in MODELS)) throw new Error(`--model must be unet or mlp, got "${model}"`);
  const rawGuidance = need('guidance');
  const guidance = Number(rawGuidance);
  if (rawGuidance.trim() === '' || !Number.isFinite(guidance)) throw new Error(`--guidance must be a finite number, got "${rawGuidance}"`);
  return {
    model: model as keyof typeof MODELS,
    label: integer('class', 0, 9, 'a digit class 0–9'),
    n: integer('n', 1, 100000, 'a positive whole number (≤ 100000)'),
    steps: integer('steps', 1, 1000, 'a whole number of steps from 1 to 1000'),
    guidance,
    seed: integer('seed', 0, 2 ** 31 - 1, `a whole number from 0 to ${2 ** 31 - 1}`),
    out: need('out'),
  };
}
