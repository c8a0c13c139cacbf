/**
 * Supervisors joining a call on the simulated switch: silent, whisper (a silent join marked in
 * private data) and active, told apart by who hears whom and by what the Conferenced events carry.
 */
import t from 'tap';
import { privateParticipationData, privateParticipationOf } from '../../../../appliance/csta/private-participation.js';
import { SwitchError } from '../../../../simulators/switch/model/api.js';
import { OUTSIDE_CALLER, talkingAt203 } from './helpers.js';

const CALLER = OUTSIDE_CALLER;
const WHISPER = privateParticipationData('whisper');


/** Supervisor 210 joins 203's call as asked; returns who hears whom (caller at the trunk T1), parties in joining order. */
function supervisorJoins(asked: { participationType?: string; privateData?: string }) {
  const { sw, log, callID } = talkingAt203();
  sw.execute({ type: 'SingleStepConferenceCall', activeCall: { callID, deviceID: '203' }, deviceToJoin: '210', ...asked });
  const paths = (device: string) => {
    const [path, ...more] = sw.voicePathsAt(device);
    if (!path || more.length > 0) throw new Error(`${device} should be in exactly one call`);
    return { hears: path.hears, heardBy: path.heardBy };
  };
  return { sw, log, callID, supervisor: paths('210'), agent: paths('203'), caller: paths('T1') };
}

t.test('before anyone joins, the caller and the agent hear each other', (t) => {
  const { sw, callID } = talkingAt203();
  t.strictSame(sw.voicePathsAt('203'), [{ callID, hears: [CALLER], heardBy: [CALLER] }]);
  t.strictSame(sw.voicePathsAt('T1'), [{ callID, hears: ['203'], heardBy: ['203'] }]);
  t.strictSame(sw.voicePathsAt('210'), [], 'no call at the supervisor');
  t.end();
});

t.test('silent: the supervisor hears both and nobody hears the supervisor', (t) => {
  const { supervisor, agent, caller, log } = supervisorJoins({ participationType: 'silent' });
  t.strictSame(supervisor, { hears: [CALLER, '203'], heardBy: [] });
  t.strictSame(agent, { hears: [CALLER], heardBy: [CALLER, '210'] });
  t.strictSame(caller, { hears: ['203'], heardBy: ['203', '210'] });
  const events = log.takeEvents();
  t.strictSame(events.map((e) => `${e.device} ${e.event.type}`), ['T1 ConferencedEvent', '203 ConferencedEvent', '210 ConferencedEvent']);
  for (const { event } of events) t.notOk(event.privateData, 'a plain silent join carries no private data');
  t.end();
});

t.test('whisper: the agent hears the supervisor, the caller does not', (t) => {
  const { supervisor, agent, caller, log, callID } = supervisorJoins({ participationType: 'silent', privateData: WHISPER });
  t.strictSame(supervisor, { hears: [CALLER, '203'], heardBy: ['203'] });
  t.strictSame(agent, { hears: [CALLER, '210'], heardBy: [CALLER, '210'] });
  t.strictSame(caller, { hears: ['203'], heardBy: ['203', '210'] });
  const events = log.takeEvents();
  t.strictSame(events.map((e) => `${e.device} ${e.event.type}`), ['T1 ConferencedEvent', '203 ConferencedEvent', '210 ConferencedEvent']);
  for (const { device, event } of events) {
    t.match(event, { cause: 'silentParticipation', addedParty: '210', primaryOldCall: { callID, deviceID: '203' } }, `${device}: a silent join to ECMA-269 eyes`);
    t.equal(privateParticipationOf(event.privateData), 'whisper', `${device}: marked whisper in private data`);
  }
  t.end();
});

t.test('active (barge-in): everybody hears everybody', (t) => {
  const { supervisor, agent, caller, log } = supervisorJoins({ participationType: 'active' });
  t.strictSame(supervisor, { hears: [CALLER, '203'], heardBy: [CALLER, '203'] });
  t.strictSame(agent, { hears: [CALLER, '210'], heardBy: [CALLER, '210'] });
  t.strictSame(caller, { hears: ['203', '210'], heardBy: ['203', '210'] });
  t.strictSame(log.take(), ['T1 Conferenced activeParticipation', '203 Conferenced activeParticipation', '210 Conferenced activeParticipation']);
  t.end();
});

t.test('a whisper is heard by the coached party only: when the agent holds, nobody hears it', (t) => {
  const { sw, callID } = supervisorJoins({ participationType: 'silent', privateData: WHISPER });
  sw.execute({ type: 'HoldCall', callToBeHeld: { callID, deviceID: '203' } });
  t.strictSame(sw.voicePathsAt('210'), [{ callID, hears: [CALLER], heardBy: [] }]);
  t.strictSame(sw.voicePathsAt('203'), [{ callID, hears: [], heardBy: [] }], 'a held party hears nobody');
  t.end();
});

t.test('joins the switch cannot make sense of are refused and change nothing', (t) => {
  const { sw, log, callID } = talkingAt203();
  const join = (asked: { participationType?: string; privateData?: string }) => () =>
    sw.execute({ type: 'SingleStepConferenceCall', activeCall: { callID, deviceID: '203' }, deviceToJoin: '210', ...asked });
  const cases: [string, () => unknown, RegExp][] = [
    ['whisper marked on an active join', join({ participationType: 'active', privateData: WHISPER }), /not on participationType active/],
    ['whisper marked with no participationType (active)', join({ privateData: WHISPER }), /not on participationType active/],
    ['an unknown private participation', join({ participationType: 'silent', privateData: WHISPER.replace('whisper', 'shout') }), /private participation "shout"/],
    ['private data that does not parse', join({ participationType: 'silent', privateData: '<extensions><privateData>' }), /private data does not parse/],
  ];
  for (const [name, run, message] of cases) {
    t.throws(run, SwitchError, name);
    try {
      run();
    } catch (error) {
      t.match(error, { group: 'operation', value: 'valueOutOfRange', message }, `${name}: valueOutOfRange`);
    }
  }
  t.strictSame(log.take(), [], 'no events');
  t.strictSame(sw.voicePathsAt('210'), [], 'the supervisor is not in the call');
  t.end();
});
