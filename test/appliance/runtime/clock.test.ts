import sinon from 'sinon';
import t from 'tap';
import { scaledClock, systemClock } from '../../../appliance/runtime/clock.js';

t.test('a scaled clock runs factor times faster than the clock under it', async (t) => {
  const fake = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  t.teardown(() => fake.restore());
  const clock = scaledClock(50, 0, systemClock);
  t.equal(clock.now(), 0, 'starts at the epoch given');
  fake.tick(10);
  t.equal(clock.now(), 500, '10 real ms are 500 scaled ms');

  const fired: number[] = [];
  clock.setTimeout(() => fired.push(clock.now()), 1000);
  fake.tick(19);
  t.same(fired, [], 'a 1000 ms timer has not fired after 19 real ms');
  fake.tick(1);
  t.same(fired, [1500], 'it fires after 20 real ms, at scaled time 1500');

  const ticks: number[] = [];
  const interval = clock.setInterval(() => ticks.push(clock.now()), 500);
  fake.tick(30);
  clock.clearInterval(interval);
  t.same(ticks, [2000, 2500, 3000], 'an interval repeats on the scaled period');
});

t.test('a scale that is not a positive number is refused', async (t) => {
  t.throws(() => scaledClock(0), /positive number, got 0/);
  t.throws(() => scaledClock(Number.NaN), /positive number/);
});
