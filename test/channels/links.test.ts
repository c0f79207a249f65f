import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildInviteLink,
  CHANNEL_NAMES,
  channels,
  checkLinkData,
  getChannel,
  LinkError,
  parseInviteLink,
  type ChannelName,
} from '../../channels/index.js';
import { expectLinkError } from './helpers.js';

const validData = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);

/** Names each builder must accept: the platform rules of channels/<name>/link.ts. */
const validNames: Record<ChannelName, fc.Arbitrary<string>> = {
  telegram: fc.stringMatching(/^[A-Za-z0-9_]{2,29}(bot|Bot|BOT|bOt)$/),
  facebook: fc.stringMatching(/^[A-Za-z0-9.]{5,50}$/),
  instagram: fc.stringMatching(/^[A-Za-z0-9_](\.?[A-Za-z0-9_]){0,14}$/),
  viber: fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
  vk: fc.stringMatching(/^[A-Za-z0-9.][A-Za-z0-9_.]{3,30}[A-Za-z0-9.]$/),
  whatsapp: fc.stringMatching(/^\+?[1-9][0-9]{6,14}$/),
};

/** The name a link carries back: WhatsApp drops the `+` of an international number. */
function linkName(channel: ChannelName, name: string): string {
  return channel === 'whatsapp' ? name.replace(/^\+/, '') : name;
}

describe('invite links round-trip', () => {
  for (const channel of CHANNEL_NAMES) {
    it(`${channel}: parse(build(name, data)) gives back the name and data`, () => {
      fc.assert(
        fc.property(validNames[channel], validData, (name, data) => {
          const link = buildInviteLink(channel, name, data);
          const expected = { channel, name: linkName(channel, name), data };
          expect(channels[channel].parseLink(new URL(link))).toEqual(expected);
          expect(parseInviteLink(link)).toEqual(expected);
        }),
      );
    });
  }

  it('telegram: a group link uses startgroup and reads back', () => {
    const link = buildInviteLink('telegram', 'shop_bot', 'abc', { group: true });
    expect(link).toBe('https://t.me/shop_bot?startgroup=abc');
    expect(parseInviteLink(link)).toEqual({ channel: 'telegram', name: 'shop_bot', data: 'abc' });
  });

  it('whatsapp: the data survives any greeting in front of it', () => {
    fc.assert(
      fc.property(fc.string(), validData, (text, data) => {
        expect(parseInviteLink(buildInviteLink('whatsapp', '79000000000', data, { text })).data).toBe(data);
      }),
    );
  });

  it('builds the documented link shapes', () => {
    expect(buildInviteLink('telegram', 'Test_Mailing_Bot', '1234567')).toBe(
      'https://t.me/Test_Mailing_Bot?start=1234567',
    );
    expect(buildInviteLink('facebook', 'botflow.shop', 'DATA')).toBe('https://m.me/botflow.shop?ref=DATA');
    expect(buildInviteLink('instagram', 'botflow.shop', 'DATA')).toBe(
      'https://ig.me/m/botflow.shop?ref=DATA',
    );
    expect(buildInviteLink('viber', 'exampleBot', 'DATA')).toBe('viber://pa?chatURI=exampleBot&context=DATA');
    expect(buildInviteLink('vk', 'club123456', 'DATA')).toBe('https://vk.me/club123456?ref=DATA');
    expect(buildInviteLink('whatsapp', '+79000000000', 'DATA')).toBe(
      'https://wa.me/79000000000?text=Hello%21%20ref%3ADATA',
    );
    expect(buildInviteLink('whatsapp', '79000000000', 'DATA', { text: 'Hi, my order & more' })).toBe(
      'https://wa.me/79000000000?text=Hi%2C%20my%20order%20%26%20more%20ref%3ADATA',
    );
  });

  it('names the data keyword of each channel', () => {
    expect(Object.fromEntries(CHANNEL_NAMES.map((name) => [name, channels[name].keyword]))).toEqual({
      telegram: 'start',
      facebook: 'ref',
      instagram: 'ref',
      viber: 'context',
      vk: 'ref',
      whatsapp: null,
    });
  });
});

describe('builders are strict', () => {
  const badNames: [ChannelName, string, string][] = [
    [
      'telegram',
      'bot_name',
      'Telegram bot username "bot_name" must be 5 to 32 Latin letters, digits or underscores ending in "bot"',
    ],
    [
      'telegram',
      'my-shop_bot',
      'Telegram bot username "my-shop_bot" must be 5 to 32 Latin letters, digits or underscores ending in "bot"',
    ],
    [
      'telegram',
      'bot',
      'Telegram bot username "bot" must be 5 to 32 Latin letters, digits or underscores ending in "bot"',
    ],
    [
      'facebook',
      'PAGE-NAME',
      'Facebook Page username "PAGE-NAME" must be 5 to 50 Latin letters, digits or periods (or the Page id)',
    ],
    [
      'instagram',
      'shop.',
      'Instagram username "shop." must be 1 to 30 Latin letters, digits, underscores or periods, with no period first, last or twice in a row',
    ],
    [
      'instagram',
      'my..shop',
      'Instagram username "my..shop" must be 1 to 30 Latin letters, digits, underscores or periods, with no period first, last or twice in a row',
    ],
    [
      'viber',
      'my bot',
      'Viber bot URI "my bot" must be 1 to 64 Latin letters, digits, periods, underscores or hyphens',
    ],
    [
      'vk',
      'shop_',
      'VK community short name "shop_" must be 5 to 32 Latin letters, digits, underscores or periods, not starting or ending with an underscore',
    ],
    [
      'whatsapp',
      '+7 900 000-00-00',
      'WhatsApp phone number "+7 900 000-00-00" must be 7 to 15 digits in international (E.164) form, optionally after a +, without spaces or dashes',
    ],
    [
      'whatsapp',
      '0079000000000',
      'WhatsApp phone number "0079000000000" must be 7 to 15 digits in international (E.164) form, optionally after a +, without spaces or dashes',
    ],
  ];
  for (const [channel, name, message] of badNames) {
    it(`${channel}: refuses the name ${JSON.stringify(name)}`, () => {
      expectLinkError(() => buildInviteLink(channel, name, 'DATA'), 'link.bad-name', message);
    });
  }

  it('every builder refuses bad data with the shared rule message', () => {
    const goodName: Record<ChannelName, string> = {
      telegram: 'shop_bot',
      facebook: 'botflow.shop',
      instagram: 'botflow.shop',
      viber: 'exampleBot',
      vk: 'club123456',
      whatsapp: '79000000000',
    };
    const badData = fc.oneof(
      fc.constant(''),
      fc.string({ minLength: 65, maxLength: 100, unit: fc.constantFrom('a', 'Z', '0', '_', '-') }),
      fc.string({ minLength: 1 }).filter((data) => /[^A-Za-z0-9_-]/.test(data)),
    );
    fc.assert(
      fc.property(fc.constantFrom(...CHANNEL_NAMES), badData, (channel, data) => {
        const ruleError = catchError(() => checkLinkData(data));
        const buildError = catchError(() => buildInviteLink(channel, goodName[channel], data));
        expect(buildError).toBeInstanceOf(LinkError);
        expect(buildError).toEqual(ruleError);
      }),
    );
  });

  it('refuses an unknown channel, listing the known ones', () => {
    const message =
      'channel "icq" is not one botflow knows; use one of telegram, facebook, instagram, viber, vk, whatsapp';
    expectLinkError(() => getChannel('icq'), 'link.unknown-channel', message);
    expectLinkError(() => buildInviteLink('icq', 'shop_bot', 'DATA'), 'link.unknown-channel', message);
    expectLinkError(
      () => getChannel('__proto__'),
      'link.unknown-channel',
      'channel "__proto__" is not one botflow knows; use one of telegram, facebook, instagram, viber, vk, whatsapp',
    );
  });
});

describe('parsers are lenient about names, strict about data', () => {
  it("reads the seed's links", () => {
    expect(parseInviteLink('https://t.me/Test_Mailing_Bot?start=1234567')).toEqual({
      channel: 'telegram',
      name: 'Test_Mailing_Bot',
      data: '1234567',
    });
    expect(parseInviteLink('https://t.me/Test_Mailing_Bot')).toEqual({
      channel: 'telegram',
      name: 'Test_Mailing_Bot',
      data: undefined,
    });
    expect(parseInviteLink('http://m.me/PAGE-NAME?ref=DATA')).toEqual({
      channel: 'facebook',
      name: 'PAGE-NAME',
      data: 'DATA',
    });
    for (const data of [
      'eyJlIjoiZW1haWxAZ21haWwuY29tIn0',
      'eyJwIjoiNzkwMDAwMDAwMDAifQ',
      'eyJlSWQiOiJleHRlcm5hbElkIn0',
      'eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0',
    ]) {
      expect(parseInviteLink(`https://t.me/bot_name?start=${data}`)).toEqual({
        channel: 'telegram',
        name: 'bot_name',
        data,
      });
    }
  });

  it('reads the other forms of each link', () => {
    const cases: [string, unknown][] = [
      ['https://telegram.me/shop_bot?start=42', { channel: 'telegram', name: 'shop_bot', data: '42' }],
      ['tg://resolve?domain=shop_bot&start=42', { channel: 'telegram', name: 'shop_bot', data: '42' }],
      ['t.me/shop_bot?start=42', { channel: 'telegram', name: 'shop_bot', data: '42' }],
      ['  https://t.me/shop_bot/?start=42\n', { channel: 'telegram', name: 'shop_bot', data: '42' }],
      ['https://m.me/botflow.shop?ref=42', { channel: 'facebook', name: 'botflow.shop', data: '42' }],
      ['http://ig.me/m/botflow.shop?ref=42', { channel: 'instagram', name: 'botflow.shop', data: '42' }],
      ['VIBER://PA?chatURI=exampleBot&context=42', { channel: 'viber', name: 'exampleBot', data: '42' }],
      ['viber://pa?chatURI=exampleBot', { channel: 'viber', name: 'exampleBot', data: undefined }],
      ['https://vk.me/club123?ref=42&ref_source=site', { channel: 'vk', name: 'club123', data: '42' }],
      [
        'https://wa.me/79000000000?text=Hi+there+ref:42',
        { channel: 'whatsapp', name: '79000000000', data: '42' },
      ],
      [
        'https://wa.me/79000000000?text=Hi%20there',
        { channel: 'whatsapp', name: '79000000000', data: undefined },
      ],
      [
        'https://api.whatsapp.com/send?phone=79000000000&text=Hello%21%20ref%3A42',
        { channel: 'whatsapp', name: '79000000000', data: '42' },
      ],
    ];
    for (const [link, expected] of cases) expect(parseInviteLink(link), link).toEqual(expected);
  });

  it('refuses bad data in any channel', () => {
    const bad = 'a%20b';
    const message = 'link data "a b" contains " "; only A-Z, a-z, 0-9, _ and - are allowed';
    for (const link of [
      `https://t.me/shop_bot?start=${bad}`,
      `https://t.me/shop_bot?startgroup=${bad}`,
      `https://m.me/PAGE-NAME?ref=${bad}`,
      `https://ig.me/m/shop?ref=${bad}`,
      `viber://pa?chatURI=shop&context=${bad}`,
      `https://vk.me/shop?ref=${bad}`,
    ]) {
      expectLinkError(() => parseInviteLink(link), 'link.bad-data', message);
    }
    expectLinkError(
      () => parseInviteLink('https://wa.me/79000000000?text=Hi%20ref%3Aa%2Bb'),
      'link.bad-data',
      'link data "a+b" contains "+"; only A-Z, a-z, 0-9, _ and - are allowed',
    );
    expectLinkError(
      () => parseInviteLink('https://m.me/PAGE-NAME?ref=key=value'),
      'link.bad-data',
      'link data "key=value" contains "="; only A-Z, a-z, 0-9, _ and - are allowed',
    );
  });

  it('refuses data over 64 characters and empty data', () => {
    const long = 'x'.repeat(65);
    expectLinkError(
      () => parseInviteLink(`https://t.me/shop_bot?start=${long}`),
      'link.data-too-long',
      `link data "${long}" is 65 characters long, over the limit of 64`,
    );
    const empty = 'link data is empty; it must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -';
    expectLinkError(() => parseInviteLink('https://m.me/shop?ref='), 'link.empty-data', empty);
    expectLinkError(
      () => parseInviteLink('https://wa.me/79000000000?text=Hello%20ref:'),
      'link.empty-data',
      empty,
    );
  });

  it('refuses a link of no known messenger', () => {
    for (const text of [
      'https://example.com/shop_bot?start=42',
      'https://t.me/joinchat/AAAAAE',
      'https://ig.me/shop',
      'viber://pa/info?uri=shop',
      'viber://pa?context=42',
      'ftp://t.me/shop_bot?start=42',
      'just some words',
      '',
    ]) {
      expectLinkError(
        () => parseInviteLink(text),
        'link.unknown-link',
        `${JSON.stringify(text)} is not a link botflow knows; expected a t.me, m.me, ig.me, vk.me, wa.me or viber://pa link`,
      );
    }
  });

  it('throws nothing but LinkError on any text', () => {
    const throwsOnlyLinkError = (text: string) => {
      const error = catchError(() => parseInviteLink(text));
      expect(error === undefined || error instanceof LinkError).toBe(true);
    };
    fc.assert(fc.property(fc.string(), throwsOnlyLinkError));
    // Generating URLs is slow in fast-check; fewer runs keep the suite quick.
    const urls = fc.webUrl({ withQueryParameters: true, withFragments: true });
    fc.assert(fc.property(urls, throwsOnlyLinkError), { numRuns: 30 });
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  }
}
