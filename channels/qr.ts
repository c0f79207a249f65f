import { encode, renderUnicodeCompact } from 'uqr';

/**
 * QR codes of links, for the terminal (`botflow link --qr`), a file (`--qr-svg`) and the short
 * links' landing page. The settings are the studio's link builder's: level M survives a scuffed
 * print and keeps a link's code small; the quiet zone of 4 modules is what the standard asks.
 */
const QR_OPTIONS = { ecc: 'M', border: 4 } as const;

/**
 * The code in Unicode half blocks, two rows of modules a line. Light modules are drawn and dark
 * ones left blank, so it reads on the usual dark terminal; a light terminal shows it inverted,
 * which phone cameras read as well.
 */
export function qrText(text: string): string {
  return renderUnicodeCompact(text, QR_OPTIONS);
}

/** The code as SVG markup: one path of unit squares over a white square, crisp at any size. */
export function qrSvg(text: string, label: string): string {
  const { size, data } = encode(text, QR_OPTIONS);
  const squares = data.flatMap((row, y) => row.flatMap((dark, x) => (dark ? [`M${x} ${y}h1v1h-1z`] : [])));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" role="img" aria-label="${escapeHtml(label)}">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path d="${squares.join('')}" fill="#000"/></svg>`
  );
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as it may stand in HTML or XML, in an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}
