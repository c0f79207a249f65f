import { describe, expect, it } from 'vitest';
import { startFromLink } from '../../channels/index.js';
import { expectLinkError } from './helpers.js';

describe('startFromLink', () => {
  it('starts with the link’s data on the link’s channel', () => {
    expect(startFromLink('https://t.me/shop_bot?start=abc')).toEqual({
      startParam: 'abc',
      channel: 'telegram',
    });
    expect(startFromLink('m.me/shop.page?ref=42')).toEqual({ startParam: '42', channel: 'facebook' });
  });

  it('starts with an empty start parameter from a link without data', () => {
    expect(startFromLink('https://t.me/shop_bot')).toEqual({ startParam: '', channel: 'telegram' });
  });

  it('reports the channel it is given instead of the link’s', () => {
    expect(startFromLink('https://t.me/shop_bot?start=abc', 'test')).toEqual({
      startParam: 'abc',
      channel: 'test',
    });
  });

  it('refuses a link no channel knows, as parseInviteLink does', () => {
    expectLinkError(
      () => startFromLink('https://example.com/?start=abc'),
      'link.unknown-link',
      '"https://example.com/?start=abc" is not a link botflow knows; expected a t.me, m.me, ig.me, vk.me, wa.me or viber://pa link',
    );
  });
});
