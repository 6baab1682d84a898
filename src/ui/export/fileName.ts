// Export file names are built from the view's parameters so a folder of exports sorts and reads sensibly.

/** Lowercases and replaces every run of characters outside [a-z0-9._-] with '-', so names are safe on every OS. */
function slug(value: string | number): string {
  // Numbers keep their sign ('shift--3'): dropping it would make two different exports share a name.
  if (typeof value === 'number') return String(value).toLowerCase().replace('+', '');
  return value
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
}

/** e.g. ('depth', 'bitplanes-psnr', {img: 'astronaut', size: 128, bits: 4}, 'png') → 'depth-bitplanes-psnr_img-astronaut_size-128_bits-4.png'. */
export function exportFileName(panel: string, what: string, params: Record<string, string | number>, ext: 'png' | 'svg' | 'csv'): string {
  const head = [slug(panel), slug(what)].filter(Boolean).join('-') || 'export';
  const tail = Object.entries(params)
    .map(([key, value]) => [slug(key), slug(value)])
    .filter(([key]) => key)
    .map(([key, value]) => (value ? `${key}-${value}` : key));
  // Stay well under the 255-byte file name limit common to filesystems.
  const stem = [head, ...tail].join('_').slice(0, 200).replace(/[-._]+$/, '');
  return `${stem}.${ext}`;
}
