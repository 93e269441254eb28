import { describe, expect, it } from 'vitest';
import { cellText, formatTimestamp } from '../../shared/render/format.ts';

describe('HTML table cells', () => {
  it('shows TikTok timestamps (Unix seconds) and millisecond times as UTC dates, not as big numbers', () => {
    expect(cellText(1716740800, 'create_time')).toEqual({ text: '2024-05-26 16:26 UTC', kind: 'text' });
    expect(cellText(1716740800, 'data.videos.create_time')).toEqual({ text: '2024-05-26 16:26 UTC', kind: 'text' });
    expect(cellText(1716740800000, 'fetchedAt')).toEqual({ text: '2024-05-26 16:26 UTC', kind: 'text' });
    expect(formatTimestamp(0)).toBe('1970-01-01 00:00 UTC');
  });

  it('keeps other numbers as numbers and missing values as missing', () => {
    expect(cellText(1716740800, 'view_count')).toEqual({ text: '1,716,740,800', kind: 'number' });
    expect(cellText(null, 'create_time')).toEqual({ text: '—', kind: 'missing' });
    expect(cellText('2024-01-01', 'create_time')).toEqual({ text: '2024-01-01', kind: 'text' });
  });
});

describe('timestamps out of Date range', () => {
  it('are shown as numbers, not thrown as RangeError', () => {
    expect(formatTimestamp(1e20)).toBe('100,000,000,000,000,000,000');
    expect(cellText(-1e20, 'create_time')).toEqual({ text: '-100,000,000,000,000,000,000', kind: 'text' });
    expect(cellText(new Date(Number.NaN), 'x')).toEqual({ text: 'Invalid Date', kind: 'text' });
    expect(formatTimestamp(8.64e15)).toBe('8,640,000,000,000,000');
    expect(formatTimestamp(253_402_300_799_999)).toBe('9999-12-31 23:59 UTC');
  });
});
