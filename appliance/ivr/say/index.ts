/** Values spoken from prompt fragments (prompts/<lang>/say/*.wav) in the caller's language. */
import type { Language, SayKind, SayVariable } from '../ports.js';
import { enAmount, enDate, enNumber, enTime } from './en.js';
import { zhAmount, zhDate, zhNumber, zhTime } from './zh.js';

export class SayError extends Error {
  override readonly name = 'SayError';
}

const MAX = 999_999_999_999;

export class SayFragments implements SayVariable {
  fragments(kind: SayKind, value: string | number, language: Language): string[] {
    const text = String(value).trim();
    const bad = (expected: string) => new SayError(`cannot say ${JSON.stringify(value)} as ${kind}: expected ${expected}`);
    switch (kind) {
      case 'digits':
        if (!/^[0-9]+$/.test(text)) throw bad('digits 0-9');
        return [...text].map((d) => `say/${d}`);
      case 'number':
      case 'amount': {
        const match = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(text);
        if (!match || Number(match[2]) > MAX) throw bad(kind === 'amount' ? 'an amount like 1234.50' : 'a number like -12 or 3.25');
        const whole = Number(match[2]);
        if (kind === 'number') return (language === 'zh' ? zhNumber : enNumber)(whole, match[3] ?? '', match[1] === '-');
        if (match[1] === '-') throw bad('an amount that is not negative');
        const cents = Math.round(Number(`0.${match[3] ?? '0'}`) * 100);
        return (language === 'zh' ? zhAmount : enAmount)(whole, cents);
      }
      case 'date': {
        const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})/.exec(text);
        const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
        if (!match || month < 1 || month > 12 || day < 1 || day > 31) throw bad('a date YYYY-MM-DD');
        return (language === 'zh' ? zhDate : enDate)(year, month, day);
      }
      case 'time': {
        const match = /^([0-9]{1,2}):([0-9]{2})$/.exec(text);
        const [hour, minute] = match ? [Number(match[1]), Number(match[2])] : [99, 99];
        if (hour > 23 || minute > 59) throw bad('a time HH:MM');
        return (language === 'zh' ? zhTime : enTime)(hour, minute);
      }
    }
  }
}
