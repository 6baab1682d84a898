// The built-in samples: a manifest written by scripts/make_samples.py, loaded once.
export interface SampleInfo {
  id: string;
  name: string;
  file: string;
  kind: 'photo' | 'digit' | 'procedural';
  width: number;
  height: number;
  source: string;
  licence: string;
  credit: string;
}

let manifest: Promise<SampleInfo[]> | null = null;

export function loadManifest(): Promise<SampleInfo[]> {
  manifest ??= fetch('samples/manifest.json')
    .then((r) => {
      if (!r.ok) throw new Error(`sample list not found (HTTP ${r.status})`);
      return r.json() as Promise<{ samples: SampleInfo[] }>;
    })
    .then((m) => m.samples)
    .catch((e: unknown) => {
      manifest = null; // let a later call try again
      throw e;
    });
  return manifest;
}
