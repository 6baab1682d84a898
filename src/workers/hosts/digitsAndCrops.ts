// The images digit and crop models (patch transformer, RQ auto-encoder) learn from and are measured on: the
// shipped MNIST digits, downloaded once, and crops of the newest image a request brought.
import type { RgbImage } from '../../core/image';
import { mulberry32 } from '../../core/random';
import { digitImages, randomCrops, readDigitFile, sampleIndices, type DigitSet } from '../../models/patchAR/data';
import type { ImagePayload } from '../../protocol/image';
import type { PatchDataKind } from '../../protocol/patchModel';
import type { RqaeDataKind } from '../../protocol/rqaeModel';

/** What digit and crop models learn from. */
export type DataKind = PatchDataKind & RqaeDataKind;

/** A held-out set: `count` images; `id` names it ('digits', or 'crops:' + the image's hash). */
export type HeldOut = { id: string; count: number; images: Float32Array };

const CROP_HELDOUT = 64;

export const dataOf = (target: { data?: DataKind }): DataKind => target.data ?? 'digits';

export function checkData(target: { data?: DataKind }): void {
  const data = dataOf(target);
  if (data !== 'digits' && data !== 'crops') throw new Error(`unknown training data '${String(data)}'`);
}

/**
 * The images of digit and crop models: the MNIST digits of public/models/patch-ar/ (downloaded once, the
 * held-out ones cut to `heldoutLimit`), and `cropSide`-pixel crops of the newest image a request brought,
 * whose held-out crops are a fixed set (seed `cropSeed`) cut once per image.
 */
export function digitsAndCrops(options: { fetch: (url: string) => Promise<Response>; heldoutLimit?: number; cropSide: number; cropSeed: number }) {
  const { cropSide, heldoutLimit } = options;
  let heldout: Promise<{ set: DigitSet; images: Float32Array }> | null = null;
  let train: Promise<DigitSet> | null = null;
  let crops: { hash: string; image: RgbImage; heldout: HeldOut } | null = null;

  async function fetchDigitSet(url: string): Promise<DigitSet> {
    const response = await options.fetch(url);
    if (!response.ok) throw new Error(`could not download the digits (${url}: HTTP ${response.status})`);
    return readDigitFile(await response.arrayBuffer());
  }

  function heldoutDigits(baseUrl: string): Promise<{ set: DigitSet; images: Float32Array }> {
    heldout ??= fetchDigitSet(`${baseUrl}models/patch-ar/digits-heldout.bin`).then((set) => {
      const count = Math.min(set.count, heldoutLimit ?? set.count);
      const trimmed: DigitSet = { ...set, count, pixels: set.pixels.subarray(0, count * set.side * set.side) };
      return { set: trimmed, images: digitImages(trimmed, Int32Array.from({ length: count }, (_, i) => i)) };
    });
    heldout.catch(() => (heldout = null)); // a failed download may work next time
    return heldout;
  }

  return {
    heldoutDigits,

    trainDigits(baseUrl: string): Promise<DigitSet> {
      train ??= fetchDigitSet(`${baseUrl}models/patch-ar/digits-train.bin`);
      train.catch(() => (train = null));
      return train;
    },

    /** Makes the request's image the one crop models train and are evaluated on. */
    takeCropImage(payload: ImagePayload | undefined): void {
      if (!payload || !(payload.data instanceof Float32Array) || payload.data.length !== payload.width * payload.height * 3) {
        throw new Error('the crop model needs the current image with each request');
      }
      if (payload.width < cropSide || payload.height < cropSide) throw new Error(`the image (${payload.width}×${payload.height}) is smaller than a ${cropSide}×${cropSide} crop`);
      if (crops && crops.hash === payload.hash && payload.hash !== '') return;
      const image: RgbImage = { width: payload.width, height: payload.height, data: payload.data };
      const count = Math.min(CROP_HELDOUT, heldoutLimit ?? CROP_HELDOUT);
      crops = { hash: payload.hash, image, heldout: { id: `crops:${payload.hash}`, count, images: randomCrops(image, cropSide, count, mulberry32(options.cropSeed)) } };
    },

    async heldoutOf(data: DataKind, baseUrl: string): Promise<HeldOut> {
      if (data === 'crops') {
        if (!crops) throw new Error('the crop model needs the current image with each request');
        return crops.heldout;
      }
      const digits = await heldoutDigits(baseUrl);
      return { id: 'digits', count: digits.set.count, images: digits.images };
    },

    /** What a lab measurement draws on: the held-out set, and training images drawn with the caller's random source. */
    async labData(data: DataKind, baseUrl: string): Promise<{ heldout: HeldOut; images: (count: number, rand: () => number) => Float32Array }> {
      const heldout = await this.heldoutOf(data, baseUrl);
      const digits = data === 'digits' ? await this.trainDigits(baseUrl) : null;
      return { heldout, images: (count, rand) => this.batchSource(digits, rand)(count) };
    },

    /** Training batches of `count` images: random digits of `digits`, else random crops of the newest image. */
    batchSource(digits: DigitSet | null, rand: () => number): (count: number) => Float32Array {
      return (count) => (digits ? digitImages(digits, sampleIndices(digits.count, count, rand)) : randomCrops(crops!.image, cropSide, count, rand));
    },
  };
}
