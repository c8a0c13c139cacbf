/** English fragments: "say/3", "say/20", "say/hundred", "say/ord-23", "say/november" … */
const ONES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19'];
const SCALES: [number, string][] = [[1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand']];
export const EN_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

const f = (name: string) => `say/${name}`;

function belowThousand(n: number): string[] {
  const out: string[] = [];
  if (n >= 100) {
    out.push(f(String(Math.floor(n / 100))), f('hundred'));
    n %= 100;
  }
  if (n >= 20) {
    out.push(f(String(Math.floor(n / 10) * 10)));
    n %= 10;
    if (n > 0) out.push(f(String(n)));
  } else if (n > 0) out.push(f(ONES[n] as string));
  return out;
}

export function enInteger(n: number): string[] {
  if (n === 0) return [f('0')];
  const out: string[] = [];
  let rest = n;
  for (const [size, name] of SCALES) {
    if (rest >= size) {
      out.push(...belowThousand(Math.floor(rest / size)), f(name));
      rest %= size;
    }
  }
  out.push(...belowThousand(rest));
  return out;
}

export function enNumber(whole: number, decimals: string, negative: boolean): string[] {
  return [...(negative ? [f('minus')] : []), ...enInteger(whole), ...(decimals ? [f('point'), ...[...decimals].map((d) => f(d))] : [])];
}

export function enAmount(units: number, cents: number): string[] {
  const out = [...enInteger(units), f(units === 1 ? 'dollar' : 'dollars')];
  if (cents > 0) out.push(f('and'), ...enInteger(cents), f(cents === 1 ? 'cent' : 'cents'));
  return out;
}

export function enDate(year: number, month: number, day: number): string[] {
  const yearWords = year >= 2000 && year < 2100 ? enInteger(year) : [...belowThousand(Math.floor(year / 100)), ...(year % 100 === 0 ? [f('hundred')] : year % 100 < 10 ? [f('oh'), f(String(year % 100))] : belowThousand(year % 100))];
  return [f(EN_MONTHS[month - 1] as string), f(`ord-${day}`), ...yearWords];
}

export function enTime(hour: number, minute: number): string[] {
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  const minutes = minute === 0 ? [f('oclock')] : minute < 10 ? [f('oh'), f(String(minute))] : belowThousand(minute);
  return [...belowThousand(h12), ...minutes, f(hour < 12 ? 'am' : 'pm')];
}
