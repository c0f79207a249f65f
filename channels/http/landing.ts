import { createHash } from 'node:crypto';
import { escapeHtml, qrSvg } from '../qr.js';
import type { Reply } from './reply.js';

/** The names people know the messengers by, for the buttons. */
const MESSENGER_NAMES: Readonly<Record<string, string>> = {
  telegram: 'Telegram',
  facebook: 'Messenger',
  instagram: 'Instagram',
  viber: 'Viber',
  vk: 'VK',
  whatsapp: 'WhatsApp',
};

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0; background: #f4f5f7; color: #1d2330; }
main { max-width: 28rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.4rem; margin: 0.5rem 0 1.25rem; text-align: center; }
p { text-align: center; }
ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; }
li { background: #fff; border-radius: 12px; padding: 1rem; box-shadow: 0 1px 3px rgb(0 0 0 / 12%); text-align: center; }
a { display: block; padding: 0.85rem 1rem; border-radius: 8px; background: #2463eb; color: #fff;
  font-weight: 600; text-decoration: none; font-size: 1.05rem; }
a:focus-visible { outline: 3px solid #1d2330; outline-offset: 2px; }
svg { display: block; width: 11rem; height: 11rem; margin: 0.9rem auto 0.2rem; }
small { color: #5b6272; }
`;

/**
 * Only this page's own style applies: no script, nothing from another origin, no form, no frame.
 * The QR codes are inline SVG, so no image source is needed either.
 */
const PAGE_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** What a short link's pages and QR code are sent with, besides the server's own headers. */
const PAGE_HEADERS = { 'Content-Security-Policy': PAGE_POLICY, 'Referrer-Policy': 'no-referrer' };

function page(status: number, title: string, body: string): Reply {
  const html =
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>` +
    `<style>${STYLE}</style></head><body><main>${body}</main></body></html>\n`;
  return { status, body: html, contentType: 'text/html; charset=utf-8', headers: PAGE_HEADERS };
}

/** The page of a short link to several messengers: a button and a QR code for each. */
export function landingPage(links: Readonly<Record<string, string>>): Reply {
  const items = Object.entries(links).map(([channel, link]) => {
    const messenger = MESSENGER_NAMES[channel] ?? channel;
    const label = `QR code to continue in ${messenger}`;
    return (
      `<li><a href="${escapeHtml(link)}">Continue in ${escapeHtml(messenger)}</a>` +
      `${qrSvg(link, label)}<small>or scan it with your phone</small></li>`
    );
  });
  return page(200, 'Continue in a messenger', `<h1>Continue in a messenger</h1><ul>${items.join('')}</ul>`);
}

/** Unknown, malformed and expired codes alike: nothing says which, nor echoes the code. */
export function unknownLinkPage(): Reply {
  return page(
    404,
    'Link not found',
    '<h1>Link not found</h1><p>This link does not exist, or it has expired.</p>',
  );
}

/** The link could not be read (the store is down): the visitor may try again; the log has why. */
export function failurePage(status: number, failure: unknown): Reply {
  return {
    ...page(status, 'Try again later', '<h1>Try again later</h1><p>This link cannot be opened just now.</p>'),
    failure,
  };
}

/** A QR code as an image of its own, under the same policy. */
export function qrReply(link: string): Reply {
  return {
    status: 200,
    body: qrSvg(link, `QR code of ${link}`),
    contentType: 'image/svg+xml; charset=utf-8',
    headers: PAGE_HEADERS,
  };
}

/** A redirect to the messenger: the short link of one channel. */
export function redirectTo(link: string): Reply {
  return {
    status: 302,
    body: '',
    contentType: 'text/plain; charset=utf-8',
    headers: { ...PAGE_HEADERS, Location: link },
  };
}
