import type { StateCreator } from 'zustand';
import type { RgbImage } from '../core/image';
import { DEFAULT_WORKING_SIZE, WORKING_SIZES, type WorkingSize } from '../core/conventions';
import { readChoice, type UrlCodec } from './codec';
import type { Store } from './store';

export const DEFAULT_SAMPLE = 'astronaut';
/** The URL value that marks a view made on an uploaded image (which cannot travel in a link). */
export const UPLOAD_MARK = 'upload';

export interface ImageView {
  /** Sample id, or UPLOAD_MARK when the image was uploaded. */
  sampleId: string;
  size: WorkingSize;
}

export interface ImageSlice {
  image: ImageView & {
    /** Square source pixels (a sample at its stored size, or the centre crop of an upload). */
    source: RgbImage | null;
    /** The source resized to the working size and rounded to 8-bit codes: what every panel sees. */
    working: RgbImage | null;
    workingHash: string;
    uploadName: string | null;
    loading: boolean;
  };
  setImage(patch: Partial<ImageSlice['image']>): void;
}

export const imageDefaults: ImageView = { sampleId: DEFAULT_SAMPLE, size: DEFAULT_WORKING_SIZE };

/** Sample ids are checked against the manifest later (it loads asynchronously); here only their form. */
export const imageCodec: UrlCodec<ImageView> = {
  encode: (s) => ({ img: s.sampleId, size: String(s.size) }),
  decode(params) {
    const problems: string[] = [];
    const size = readChoice(params, 'size', WORKING_SIZES, DEFAULT_WORKING_SIZE, problems);
    let sampleId = params.get('img') ?? DEFAULT_SAMPLE;
    if (!/^[a-z0-9-]{1,40}$/.test(sampleId)) {
      problems.push(`“img=${sampleId.slice(0, 40)}” is not a sample name; using ${DEFAULT_SAMPLE}.`);
      sampleId = DEFAULT_SAMPLE;
    }
    return { value: { sampleId, size }, problems };
  },
};

export const createImageSlice: StateCreator<Store, [], [], ImageSlice> = (set) => ({
  image: { ...imageDefaults, source: null, working: null, workingHash: '', uploadName: null, loading: true },
  setImage: (patch) => set((s) => ({ image: { ...s.image, ...patch } })),
});
