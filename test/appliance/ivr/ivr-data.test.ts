import t from 'tap';
import { ConfiguredCalendars, ConfiguredCallerLists, ivrConfigSchema } from '../../../appliance/ivr/index.js';

t.test('the ivr config section: defaults and messages that say what was expected', async (t) => {
  const defaults = ivrConfigSchema.parse({});
  t.equal(defaults.enabled, false);
  t.equal(defaults.defaultLanguage, 'zh');
  t.same(defaults.calendars.office?.weekly.mon, [['09:00', '18:00']]);
  t.equal(defaults.blacklist.action, 'message');
  const bad = ivrConfigSchema.safeParse({
    timezone: 'Mars/Olympus',
    bindings: [{ did: '0301234502', flow: 'a' }, { did: '0301234502', flow: 'b' }],
    blacklist: { numbers: ['12ab'] },
    calendars: { office: { weekly: { mon: [['18:00', '09:00']] }, holidays: ['1 Oct'] } },
  });
  t.notOk(bad.success);
  const messages = bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  t.match(messages.join('\n'), /timezone: expected an IANA time zone/);
  t.match(messages.join('\n'), /bindings\.1\.did: 0301234502 is bound twice/);
  t.match(messages.join('\n'), /blacklist\.numbers\.0: expected a number, a prefix ending in \*/);
  t.match(messages.join('\n'), /calendars\.office\.weekly\.mon\.0: expected the end after the start/);
  t.match(messages.join('\n'), /calendars\.office\.holidays\.0/);
});

t.test('business hours in the calendar time zone, holidays and special working days', async (t) => {
  const config = ivrConfigSchema.parse({
    calendars: {
      office: {
        timezone: 'Asia/Shanghai',
        weekly: { mon: [['09:00', '12:00'], ['13:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] },
        holidays: ['2026-10-01', { date: '2026-10-02', name: 'National Day' }],
        specialOpenDays: [{ date: '2026-10-10', hours: [['09:00', '17:00']] }],
      },
      berlin: { timezone: 'Europe/Berlin', weekly: { sun: [['02:00', '04:00']] } },
    },
  });
  const book = new ConfiguredCalendars(config.calendars, config.timezone);
  const shanghai = (local: string) => Date.parse(`${local}+08:00`);
  t.ok(book.isOpen('office', shanghai('2026-09-30T09:00:00')), 'Wednesday 09:00 open (start inclusive)');
  t.notOk(book.isOpen('office', shanghai('2026-09-30T18:00:00')), '18:00 closed (end exclusive)');
  t.notOk(book.isOpen('office', shanghai('2026-09-28T12:30:00')), 'Monday lunch break closed');
  t.notOk(book.isOpen('office', shanghai('2026-10-01T10:00:00')), 'National Day (Thursday) closed');
  t.notOk(book.isOpen('office', shanghai('2026-10-02T10:00:00')), 'holiday given with a name closed');
  t.ok(book.isOpen('office', shanghai('2026-10-10T10:00:00')), 'the Saturday worked instead is open');
  t.notOk(book.isOpen('office', shanghai('2026-10-10T17:30:00')), 'after its own hours closed');
  t.notOk(book.isOpen('office', Date.parse('2026-09-30T00:30:00Z')), 'UTC 00:30 is 08:30 in Shanghai: closed');
  t.ok(book.isOpen('office', Date.parse('2026-09-30T01:30:00Z')), 'UTC 01:30 is 09:30 in Shanghai: open');
  // 2026-03-29: Europe/Berlin jumps from 02:00 to 03:00; 01:30Z is 03:30 local summer time.
  t.ok(book.isOpen('berlin', Date.parse('2026-03-29T01:30:00Z')), 'DST day in Berlin: 03:30 local is open');
  t.notOk(book.isOpen('berlin', Date.parse('2026-03-29T00:30:00Z')), '01:30 local (before the jump) is closed');
  t.notOk(book.has('nope'));
  t.notOk(book.isOpen('nope', Date.now()), 'an unknown calendar is closed');
});

t.test('caller lists: numbers, prefixes and anonymous callers', async (t) => {
  const lists = new ConfiguredCallerLists({ blacklist: ['13800000000', '0900*', 'anonymous'], vip: ['+8613911112222'] });
  t.ok(lists.isBlacklisted('13800000000'));
  t.ok(lists.isBlacklisted('0900 123-456'), 'prefix, spaces and dashes ignored');
  t.notOk(lists.isBlacklisted('13800000001'));
  t.ok(lists.isBlacklisted(undefined), 'no caller ID matches "anonymous"');
  t.ok(lists.isVip('+8613911112222'));
  t.notOk(lists.isVip(undefined));
  t.notOk(new ConfiguredCallerLists({ blacklist: ['0*'], vip: [] }).isBlacklisted(undefined), 'a prefix never matches a caller without caller ID');
});
