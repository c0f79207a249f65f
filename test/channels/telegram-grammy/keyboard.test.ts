import { describe, expect, it } from 'vitest';
import { telegramMessages } from '../../../channels/telegram/keyboard.js';
import { splitText } from '../../../channels/telegram/split-text.js';
import { keyboard, REMOVE_KEYBOARD } from '../../support/telegram.js';

describe('telegramMessages', () => {
  it('removes the keyboard with the last message of a turn that shows no buttons', () => {
    expect(telegramMessages([{ text: 'Thanks!' }, { text: 'Bye.' }])).toEqual([
      { text: 'Thanks!' },
      { text: 'Bye.', reply_markup: REMOVE_KEYBOARD },
    ]);
  });

  it('keeps a message’s keyboard up through the rest of its turn', () => {
    const turn = [
      { text: 'Hello!', buttons: ['Track my order', 'Talk to a person'] },
      { text: 'What do you need?' },
    ];
    expect(telegramMessages(turn)).toEqual([
      { text: 'Hello!', reply_markup: keyboard('Track my order', 'Talk to a person') },
      { text: 'What do you need?' },
    ]);
  });

  it('leaves out a message that renders blank, which Telegram would refuse', () => {
    expect(telegramMessages([{ text: 'Hi' }, { text: ' \n' }])).toEqual([
      { text: 'Hi', reply_markup: REMOVE_KEYBOARD },
    ]);
    expect(telegramMessages([])).toEqual([]);
  });

  it('puts the keyboard of a long message on its last piece', () => {
    const text = `${'a'.repeat(3000)}\n${'b'.repeat(3000)}`;
    expect(telegramMessages([{ text, buttons: ['OK'] }])).toEqual([
      { text: 'a'.repeat(3000) },
      { text: 'b'.repeat(3000), reply_markup: keyboard('OK') },
    ]);
  });
});

describe('splitText', () => {
  it('keeps a text within the limit whole', () => {
    expect(splitText('x'.repeat(4096))).toEqual(['x'.repeat(4096)]);
  });

  it('cuts at the last line break, else the last space, in the second half of a piece', () => {
    expect(splitText('one two\nthree four five', 12)).toEqual(['one two', 'three four', 'five']);
    expect(splitText('abcdefgh ij', 10)).toEqual(['abcdefgh', 'ij']);
  });

  it('cuts a text without a late separator at the limit, never inside an emoji', () => {
    expect(splitText('ab cdefghijkl', 10)).toEqual(['ab cdefghi', 'jkl']);
    expect(splitText(`${'x'.repeat(9)}😀yz`, 10)).toEqual(['x'.repeat(9), '😀yz']);
  });
});
