import { describe, expect, it } from 'vitest';
import type { ExpressionValue } from '../../engine/expression/index.js';
import { valueOf } from './helpers.js';

type Case = readonly [source: string, expected: ExpressionValue];

const scope = {
  // 2024-05-17T10:30:05Z
  millis: Date.UTC(2024, 4, 17, 10, 30, 5),
  now: new Date(Date.UTC(2024, 4, 17, 23, 30)),
  none: null,
};

function check(cases: readonly Case[]): void {
  it.each(cases)('%s → %j', (source, expected) => {
    expect(valueOf(source, scope)).toEqual(expected);
  });
}

describe('formatDate', () => {
  check([
    ['formatDate("2024-05-17")', '2024-05-17'],
    ['formatDate(millis, "DD.MM.YYYY HH:mm:ss")', '17.05.2024 10:30:05'],
    ['formatDate(millis, "D/M/YY H:mm")', '17/5/24 10:30'],
    ['formatDate("2024-01-02T03:04:05Z", "[Date:] YYYY-MM-DD [at] HH:mm")', 'Date: 2024-01-02 at 03:04'],
    ['formatDate("2024-05-17T10:30", "HH:mm")', '10:30'],
    ['formatDate("2024-05-17T10:30:00+03:00", "HH:mm")', '07:30'],
    ['formatDate("2024-05-17T10:30:00.5-0530", "DD HH:mm")', '17 16:00'],
    ['formatDate(now, "DD.MM.YYYY HH:mm", "Europe/Moscow")', '18.05.2024 02:30'],
    ['formatDate(now, "HH:mm", "America/New_York")', '19:30'],
    ['formatDate(now, "HH:mm", "utc")', '23:30'],
    ['formatDate("0099-03-01", "YYYY")', '0099'],
    ['formatDate("2024-02-29", "DD.MM")', '29.02'],
  ]);

  it.each([
    ['formatDate("2023-02-29")'],
    ['formatDate("2024-13-01")'],
    ['formatDate("2024-05-17T24:00")'],
    ['formatDate("2024-05-17T10:60")'],
    ['formatDate("2024-05-17T10:00+25:00")'],
    ['formatDate("17.05.2024")'],
    ['formatDate("1700000000000")'],
    ['formatDate(now, "HH", "Mars/Olympus")'],
    ['formatDate(10 ^ 17)'],
    ['formatDate(true)'],
    ['formatDate(none)'],
    ['formatDate(missing)'],
    ['formatDate([2024])'],
  ])('%s → empty text', (source) => {
    expect(valueOf(source, scope)).toBe('');
  });
});

describe('addDays', () => {
  check([
    ['addDays("2024-02-28", 1)', '2024-02-29'],
    ['addDays("2024-02-28", 2)', '2024-03-01'],
    ['addDays("2024-03-01", -1)', '2024-02-29'],
    ['addDays("2024-05-17T10:30:00Z", 0.5)', '2024-05-17T22:30:00.000Z'],
    ['addDays(millis, "1")', '2024-05-18T10:30:05.000Z'],
    ['formatDate(addDays(now, 7), "DD.MM")', '24.05'],
  ]);

  it.each([
    ['addDays("2024-02-30", 1)'],
    ['addDays("2024-01-01", "x")'],
    ['addDays("9999-12-31", 1)'],
    ['addDays(none, 1)'],
    ['addDays([], 1)'],
  ])('%s → empty text', (source) => {
    expect(valueOf(source, scope)).toBe('');
  });
});
