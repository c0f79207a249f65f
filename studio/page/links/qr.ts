import { encode } from 'uqr';
import { s } from '../dom.js';

/** The quiet zone the QR standard asks for, in modules: scanners find the code by it. */
const QUIET_ZONE = 4;
/** Pixels per module in the PNG: sharp when printed a few centimetres wide. */
const PNG_SCALE = 8;

/** A QR code's dark modules, quiet zone included: both pictures are drawn from it. */
export interface QrCode {
  readonly size: number;
  readonly dark: readonly (readonly boolean[])[];
}

/** Level M survives a scuffed print (15% of the code) and keeps a link's code small. */
export function qrCode(text: string): QrCode {
  const { size, data } = encode(text, { ecc: 'M', border: QUIET_ZONE });
  return { size, dark: data };
}

/** The code as SVG: one path of unit squares over a white square, crisp at any size. */
export function qrSvg(code: QrCode, label: string): SVGSVGElement {
  const squares = code.dark.flatMap((row, y) =>
    row.flatMap((dark, x) => (dark ? [`M${x} ${y}h1v1h-1z`] : [])),
  );
  return s(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${code.size} ${code.size}`,
      'shape-rendering': 'crispEdges',
      role: 'img',
      'aria-label': label,
    },
    s('rect', { width: code.size, height: code.size, fill: '#fff' }),
    s('path', { d: squares.join(''), fill: '#000' }),
  );
}

/** The same modules painted on a canvas, as a PNG. */
export function qrPng(code: QrCode): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = code.size * PNG_SCALE;
  const context = canvas.getContext('2d');
  if (!context) return Promise.reject(new Error('the browser gave no canvas to draw the QR code on'));
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#000';
  code.dark.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) context.fillRect(x * PNG_SCALE, y * PNG_SCALE, PNG_SCALE, PNG_SCALE);
    });
  });
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (blob) resolve(blob);
      else reject(new Error('the browser could not make a PNG of the QR code'));
    }, 'image/png');
  });
}

/** Saves a blob as a file through a link with `download` (a blob: URL, which the page's policy allows). */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = Object.assign(document.createElement('a'), { href: url, download: fileName });
  anchor.click();
  // The browser reads the blob after the click returns; revoking at once can cancel the download.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}
