/** Business hours: weekly open ranges in a time zone, holidays closed, special working days with their own hours. */
import type { CalendarConfig } from './config.js';
import { localTime } from './engine/local-time.js';
import type { CalendarBook } from './ports.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export class ConfiguredCalendars implements CalendarBook {
  constructor(
    private readonly calendars: Record<string, CalendarConfig>,
    private readonly defaultTimezone: string,
  ) {}

  has(name: string): boolean {
    return Object.hasOwn(this.calendars, name);
  }

  isOpen(name: string, at: number): boolean {
    const calendar = this.calendars[name];
    if (!calendar) return false;
    const local = localTime(at, calendar.timezone ?? this.defaultTimezone);
    const special = calendar.specialOpenDays.find((d) => d.date === local.date);
    if (special) return special.hours.some(([from, to]) => local.hhmm >= from && local.hhmm < to);
    if (calendar.holidays.some((h) => (typeof h === 'string' ? h : h.date) === local.date)) return false;
    const day = DAYS[local.isoWeekday - 1] as (typeof DAYS)[number];
    return calendar.weekly[day].some(([from, to]) => local.hhmm >= from && local.hhmm < to);
  }
}
