// Turns charts (SVG) and pixel views (canvas/ImageData) into downloadable files that carry the view state,
// so an exported figure can be traced back to (and reopened at) the exact settings that produced it.
import { addPngTextChunk } from '../../core/png';

export const STATE_KEYWORD = 'decomposition-explorer';
const SVG_NS = 'http://www.w3.org/2000/svg';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('Canvas 2D context is unavailable.');
  return ctx;
}

export function canvasToPngBytes(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) return reject(new Error('Could not encode the canvas as PNG (empty or too large canvas?).'));
      blob.arrayBuffer().then((buf) => resolve(new Uint8Array(buf)), reject);
    }, 'image/png');
  });
}

/** Standalone SVG files need xmlns. A plain setAttribute('xmlns') (as React does) next to the serializer's own
 * declaration can come out twice, which is invalid XML, so it is replaced by a proper namespace declaration. */
function declareSvgNamespace(svg: SVGSVGElement): void {
  svg.removeAttribute('xmlns');
  svg.setAttributeNS(XMLNS_NS, 'xmlns', SVG_NS);
}

/** Size in CSS px: explicit width/height attributes win, else the viewBox; percentages can't be resolved off-screen. */
function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  const attr = (name: string) => {
    const v = svg.getAttribute(name);
    return v && !v.trim().endsWith('%') ? parseFloat(v) : NaN;
  };
  const box = (svg.getAttribute('viewBox') ?? '').trim().split(/[\s,]+/).map(Number);
  const width = attr('width') || box[2];
  const height = attr('height') || box[3];
  if (!(width > 0) || !(height > 0)) throw new Error('SVG export needs width/height attributes or a viewBox.');
  return { width, height };
}

/** Rasterises an SVG (styles must be inline attributes: the serialised copy is detached from the page CSS). */
export async function svgToCanvas(svg: SVGSVGElement, scale = 2): Promise<HTMLCanvasElement> {
  const { width, height } = svgSize(svg);
  const copy = svg.cloneNode(true) as SVGSVGElement;
  // An <img>-loaded SVG needs the namespace and an intrinsic size, or it renders blank / at 300×150.
  declareSvgNamespace(copy);
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('The browser could not load the serialised SVG.'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = context2d(canvas);
    // Charts have transparent backgrounds; PNG viewers would show them on black or a checkerboard.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return canvas;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Upscales a pixel image with nearest-neighbour so individual pixels stay crisp (they are the data). */
export function imageToCanvas(rgba: ImageData | HTMLCanvasElement, scale = 2): HTMLCanvasElement {
  let source: HTMLCanvasElement;
  if (rgba instanceof HTMLCanvasElement) {
    source = rgba;
  } else {
    source = document.createElement('canvas');
    source.width = rgba.width;
    source.height = rgba.height;
    context2d(source).putImageData(rgba, 0, 0);
  }
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(source.width * scale);
  canvas.height = Math.round(source.height * scale);
  const ctx = context2d(canvas);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas;
}

export function downloadBytes(bytes: Uint8Array | string, filename: string, mime: string): void {
  // Copy into a plain ArrayBuffer-backed view: Blob rejects views over SharedArrayBuffer.
  const part = typeof bytes === 'string' ? bytes : new Uint8Array(bytes);
  const url = URL.createObjectURL(new Blob([part], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoking synchronously can cancel the download in some browsers; give it time to start.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function exportPngWithState(canvas: HTMLCanvasElement, filename: string, stateText: string): Promise<void> {
  const png = addPngTextChunk(await canvasToPngBytes(canvas), STATE_KEYWORD, stateText);
  downloadBytes(png, filename, 'image/png');
}

export function exportSvg(svg: SVGSVGElement, filename: string, stateText: string): void {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  declareSvgNamespace(copy);
  const meta = document.createElementNS(SVG_NS, 'metadata');
  meta.setAttribute('id', STATE_KEYWORD);
  meta.textContent = stateText; // textContent is escaped by the serializer, so arbitrary JSON is safe
  copy.insertBefore(meta, copy.firstChild);
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
  downloadBytes(xml, filename, 'image/svg+xml');
}
