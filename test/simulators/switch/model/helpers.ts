/** A small site for the call-model tests and a recorder of what the model reports, in order. */
import type { DeviceEvent } from '../../../../simulators/switch/model/api.js';
import { type DialPlanInput, parseDialPlan } from '../../../../simulators/switch/model/dialplan.js';
import { createSwitch, type SimulatedSwitch } from '../../../../simulators/switch/model/switch.js';
import { systemClock } from '../../../../appliance/runtime/clock.js';

export const testPlan = (): DialPlanInput => ({
  extensions: [
    { number: '201', name: 'Agent 1', agent: { agentID: 'A1', password: '1111', initialState: 'ready' } },
    { number: '202', name: 'Agent 2', agent: { agentID: 'A2', initialState: 'ready' } },
    { number: '203', name: 'Plain phone' },
    { number: '210', name: 'Supervisor' },
  ],
  analogPorts: [
    { number: '301', name: 'Port 1' },
    { number: '302', name: 'Port 2' },
  ],
  trunks: [
    { id: 'T1', name: 'Trunk 1', dids: [{ number: '0301234500', destination: '600' }, { number: '0301234501', destination: '700' }, { number: '0301234503', destination: '203' }, { number: '0301234502', destination: '610' }] },
    { id: 'T2', name: 'Trunk 2' },
  ],
  acdGroups: [{ number: '600', name: 'Hotline', members: ['201', '202'], distribution: 'linear', queueLimit: 2, overflowAfterSeconds: 60, overflowDestination: '610', wrapUpSeconds: 10 }],
  huntGroups: [{ number: '610', members: ['301', '302'], distribution: 'circular' }],
  routingPoints: [{ number: '700', defaultRoute: '600', timeoutMs: 5000 }],
  featureCodes: { '*21': 'agentLogOn', '*22': 'agentLogOff', '*23': 'agentReady', '*24': 'agentNotReady' },
  callIdFormat: 'counter',
});

export function makeSwitch(changes: (plan: DialPlanInput) => void = () => {}): SimulatedSwitch {
  const plan = testPlan();
  changes(plan);
  return createSwitch(parseDialPlan(plan, 'test plan'), { clock: systemClock });
}

export interface Recorded {
  device: string;
  event: DeviceEvent;
}

/** Records every deviceEvent; take() returns them as "device Type cause" lines and starts afresh. */
export function record(sw: SimulatedSwitch) {
  let events: Recorded[] = [];
  const other: string[] = [];
  sw.on('deviceEvent', (device, event) => events.push({ device, event }));
  sw.on('routeRequest', (r) => other.push(`routeRequest ${r.routingDevice} ${r.routingCrossRefID} ${r.callingDevice}`));
  sw.on('routeUsed', (r) => other.push(`routeUsed ${r.routingCrossRefID} ${r.routeUsed}`));
  sw.on('routeEnd', (r) => other.push(`routeEnd ${r.routingCrossRefID} ${r.errorValue ?? '-'}`));
  sw.on('digits', (d) => other.push(`digits ${d.device} ${d.callID} ${d.digits}`));
  sw.on('callEnded', (c) => other.push(`callEnded ${c.callID} ${c.cause}`));
  return {
    /** "device Type cause" per event (Event suffix dropped, '-' for no cause). */
    take(): string[] {
      const lines = events.map(({ device, event }) => `${device} ${event.type.replace(/Event$/, '')} ${'cause' in event && event.cause !== undefined ? event.cause : '-'}`);
      events = [];
      return lines;
    },
    /** The events themselves, then starts afresh. */
    takeEvents(): Recorded[] {
      const taken = events;
      events = [];
      return taken;
    },
    /** Route, digit and call-ended notifications, then starts afresh. */
    takeOther(): string[] {
      return other.splice(0);
    },
  };
}

export const OUTSIDE_CALLER = '0301555111';

/** An outside call to 203 (DID 0301234503), answered; the log is emptied. */
export function talkingAt203() {
  const sw = makeSwitch();
  const log = record(sw);
  const callID = sw.placeInboundCall({ from: OUTSIDE_CALLER, to: '0301234503' });
  sw.answerAt('203');
  log.take();
  log.takeOther();
  return { sw, log, callID };
}
