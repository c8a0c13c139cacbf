/**
 * Mandarin fragments. Rules: 零 once for any run of missing units inside a number (1005 → 一千零五,
 * 100200 → 十万零二百); 10–19 at the start drop 一 (十二); 两 for 2 before 百/千/万/亿 at the start of a
 * group (两千, 两百), 二 elsewhere (二十, 十二); amounts in 元/角/分, 整 when no 角/分.
 */
const f = (name: string) => `say/${name}`;
const UNITS = ['', '10', 'hundred', 'thousand'];

function group(n: number, leading: boolean): string[] {
  const digits = String(n).padStart(4, '0').split('').map(Number);
  const out: string[] = [];
  let zero = false;
  let started = false;
  digits.forEach((d, i) => {
    const unit = UNITS[3 - i] as string;
    if (d === 0) {
      if (started || !leading) zero = true;
      return;
    }
    if (zero && (started || !leading)) out.push(f('0'));
    zero = false;
    const first = !started && leading;
    if (d === 1 && unit === '10' && first) out.push(f('10'));
    else {
      out.push(f(d === 2 && (unit === 'hundred' || unit === 'thousand') ? 'liang' : String(d)));
      if (unit) out.push(f(unit));
    }
    started = true;
  });
  return out;
}

export function zhInteger(n: number): string[] {
  if (n === 0) return [f('0')];
  const parts: [number, string | undefined][] = [[Math.floor(n / 1e8), 'yi'], [Math.floor(n / 1e4) % 1e4, 'wan'], [n % 1e4, undefined]];
  const out: string[] = [];
  let started = false;
  let pendingZero = false;
  for (const [value, unit] of parts) {
    if (value === 0) {
      if (started) pendingZero = true;
      continue;
    }
    if (started && pendingZero && value >= 1000) out.push(f('0'));
    let words = group(value, !started);
    if (!started && value === 2 && unit) words = [f('liang')];
    out.push(...words);
    if (unit) out.push(f(unit));
    started = true;
    pendingZero = false;
  }
  return out;
}

export function zhNumber(whole: number, decimals: string, negative: boolean): string[] {
  return [...(negative ? [f('minus')] : []), ...zhInteger(whole), ...(decimals ? [f('point'), ...[...decimals].map((d) => f(d))] : [])];
}

export function zhAmount(units: number, cents: number): string[] {
  const jiao = Math.floor(cents / 10);
  const fen = cents % 10;
  const out = [...zhInteger(units), f('yuan')];
  if (jiao === 0 && fen === 0) return [...out, f('zheng')];
  if (jiao > 0) out.push(f(String(jiao)), f('jiao'));
  else if (units > 0) out.push(f('0'));
  if (fen > 0) out.push(f(String(fen)), f('fen'));
  return out;
}

export function zhDate(year: number, month: number, day: number): string[] {
  return [...String(year).split('').map((d) => f(d)), f('year'), ...zhInteger(month), f('month'), ...zhInteger(day), f('day')];
}

export function zhTime(hour: number, minute: number): string[] {
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  const hourWords = h12 === 2 ? [f('liang')] : zhInteger(h12);
  return [f(hour < 12 ? 'am' : 'pm'), ...hourWords, f('hour'), ...(minute === 0 ? [] : [...zhInteger(minute), f('minute')])];
}
