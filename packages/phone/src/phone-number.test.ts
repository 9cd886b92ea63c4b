import { PHONE_PATH as PROTOCOL_PATH, PHONE_VERSION as PROTOCOL_VERSION } from '@openccc/protocol';
import { describe, expect, it } from 'vitest';
import { formatDuration, dtmfKey } from './format.js';
import { DICTIONARIES, endText, initialLanguage, problemText, translator } from './i18n.js';
import { cleanNumber, formatNumber, isDialable, randomNumber, rememberedNumber, wasOnline, rememberOnline } from './phone-number.js';
import { MapMemory } from './testing.js';
import { PHONE_PATH, PHONE_VERSION } from './wire.js';

describe('numbers', () => {
  it('makes random 0086139 numbers', () => {
    expect(randomNumber(() => 0)).toBe('008613900000000');
    expect(randomNumber(() => 0.9999)).toBe('008613999999999');
    expect(randomNumber()).toMatch(/^0086139\d{8}$/);
  });

  it('keeps digits and one leading +', () => {
    expect(cleanNumber(' +86 (139) 0000-1111 ')).toBe('+8613900001111');
    expect(cleanNumber('400.123+4567')).toBe('4001234567');
    expect(cleanNumber('abc')).toBe('');
  });

  it('knows what the network accepts', () => {
    expect(isDialable('95555')).toBe(true);
    expect(isDialable('+8613900001111')).toBe(true);
    expect(isDialable('12')).toBe(false);
    expect(isDialable('1'.repeat(33))).toBe(false);
    expect(isDialable('12a4')).toBe(false);
  });

  it('groups numbers for reading', () => {
    expect(formatNumber('008613912345678')).toBe('0086 139 1234 5678');
    expect(formatNumber('00864001234567')).toBe('0086 400 123 4567');
    expect(formatNumber('00861088886666')).toBe('0086 10 8888 6666');
    expect(formatNumber('4001234567')).toBe('400 123 4567');
    expect(formatNumber('95555')).toBe('95555');
    expect(formatNumber('+8613900001111')).toBe('+8613900001111');
  });

  it('remembers the number and whether the page was online', () => {
    const memory = new MapMemory();
    const first = rememberedNumber(memory, () => 0.1);
    expect(first).toBe('008613911111111');
    expect(rememberedNumber(memory, () => 0.2)).toBe(first);
    memory.set('openccc.phone.number', 'garbage');
    expect(rememberedNumber(memory, () => 0.2)).toBe('008613922222222');
    expect(wasOnline(memory)).toBe(false);
    rememberOnline(memory, true);
    expect(wasOnline(memory)).toBe(true);
  });
});

describe('format', () => {
  it('writes call timers', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(7999)).toBe('00:07');
    expect(formatDuration(754_000)).toBe('12:34');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(-5)).toBe('00:00');
  });

  it('maps keys to DTMF digits', () => {
    expect(['1', '0', '*', '#', 'a', 'Enter', '12'].map(dtmfKey)).toEqual(['1', '0', '*', '#', null, null, null]);
  });
});

describe('i18n', () => {
  it('has every string in both languages, none empty', () => {
    const zh = DICTIONARIES['zh-CN'];
    const en = DICTIONARIES['en-US'];
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const dictionary of [zh, en]) for (const [key, text] of Object.entries(dictionary)) expect(text.trim(), key).not.toBe('');
  });

  it('fills values and names end reasons and problems', () => {
    const t = translator('en-US');
    expect(t('answeredByAgent', { agent: 'a@b.c' })).toBe('Answered by agent a@b.c');
    expect(translator('zh-CN')('answeredByAgent', { agent: 'a@b.c' })).toBe('坐席 a@b.c 已接听');
    expect(endText(t, 'notAnswer')).toBe('No answer');
    expect(problemText(t, { code: 'numberInUse', detail: '' })).toContain('connected on another page');
    expect(problemText(t, { code: 'somethingNew' as never, detail: '' })).toBe(t('errServerError'));
  });

  it('starts in zh-CN unless asked or remembered otherwise', () => {
    expect(initialLanguage('', null)).toBe('zh-CN');
    expect(initialLanguage('', 'en-US')).toBe('en-US');
    expect(initialLanguage('?lang=en-US', null)).toBe('en-US');
    expect(initialLanguage('?lang=zh-CN', 'en-US')).toBe('zh-CN');
    expect(initialLanguage('?lang=fr', 'xx')).toBe('zh-CN');
  });
});

describe('wire constants', () => {
  it('match the protocol', () => {
    expect(PHONE_PATH).toBe(PROTOCOL_PATH);
    expect(PHONE_VERSION).toBe(PROTOCOL_VERSION);
  });
});
