import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The page's bundle, built by `npm run build` (tools/build-studio.ts) beside this module's folder. */
const BUNDLE = fileURLToPath(new URL('../page/', import.meta.url));

export interface Asset {
  readonly type: string;
  readonly body: string;
}

const TYPES: Readonly<Record<string, string>> = {
  'studio.js': 'text/javascript; charset=utf-8',
  'studio.css': 'text/css; charset=utf-8',
};

/** The bundle's files, read once: they never change while a studio runs. */
export async function readAssets(): Promise<ReadonlyMap<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const [name, type] of Object.entries(TYPES)) {
    try {
      assets.set(name, { type, body: await readFile(`${BUNDLE}${name}`, 'utf8') });
    } catch {
      throw new Error(`the studio's page is not built (${name} is missing); run npm run build`);
    }
  }
  return assets;
}

/** The page's one HTML document: everything else comes from the bundle and the API. */
export function pageHtml(title: string): string {
  const escaped = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escaped} · botflow studio</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/studio.css">
<script type="module" src="/assets/studio.js"></script>
</head>
<body></body>
</html>
`;
}

/**
 * Only the page's own code and styles run: no inline script, nothing from another origin. Styles
 * may be inline because the YAML view sets them from script; images may be data: and blob: URLs
 * for the QR code's downloads.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
