/**
 * Every call flow of issue 2 §3, driven through the appliance's CstaLink (requests) and the
 * simulator's scripting API (callers and handsets), checked as the ordered events each monitored
 * device reports. Run over TCP and over a serial line by the two test files beside this one.
 */
import type { Test } from 'tap';
import { CstaError } from '../../appliance/csta/errors.js';
import type { ConnectionId } from '../../appliance/csta/schema.js';
import { type Transport, startSite } from './site.js';

const CALLER = '0301555111';
const DID_ACD = '0301234500';
const DID_ROUTE = '0301234501';
const DID_201 = '0301234503';

type Site = Awaited<ReturnType<typeof startSite>>;

async function site(t: Test, transport: Transport, monitors: string[]): Promise<Site> {
  const s = await startSite(t, transport);
  for (const device of monitors) await s.link.monitor(device);
  return s;
}

/** An external call to 201 answered there; returns its connection at 201. */
async function callAnsweredAt201(s: Site): Promise<ConnectionId> {
  s.model.placeInboundCall({ from: CALLER, to: DID_201 });
  const delivered = await s.waitFor('201', 'DeliveredEvent');
  await s.link.answerCall(delivered.connection);
  await s.waitFor('201', 'EstablishedEvent');
  return delivered.connection;
}

/** 201 consults 202 from its answered call and 202 answers; returns both calls and where the marks start. */
async function consultationAnsweredBy202(s: Site) {
  const first = await callAnsweredAt201(s);
  const mark = s.mark();
  const consult = await s.link.consultationCall(first, '202');
  const delivered = await s.waitFor('202', 'DeliveredEvent', mark);
  const beforeAnswer = s.at('201', mark);
  await s.link.answerCall(delivered.connection);
  await s.waitFor('201', 'EstablishedEvent', mark);
  await s.waitFor('202', 'EstablishedEvent', mark);
  return { first, consult: consult.initiatedCall, mark, beforeAnswer };
}

export function registerFlows(t: Test, transport: Transport): void {
  t.test('inbound trunk call to an extension: delivered, answered, caller hangs up', async (t) => {
    const s = await site(t, transport, ['201']);
    const callID = s.model.placeInboundCall({ from: CALLER, to: DID_201 });
    const delivered = await s.waitFor('201', 'DeliveredEvent');
    t.match(delivered, { connection: { callID, deviceID: '201' }, alertingDevice: '201', callingDevice: CALLER, localConnectionInfo: 'alerting' });
    await s.link.answerCall(delivered.connection);
    const established = await s.waitFor('201', 'EstablishedEvent');
    t.match(established, { answeringDevice: '201', callingDevice: CALLER, localConnectionInfo: 'connected' });
    s.model.hangUpExternal(callID);
    await s.waitFor('201', 'CallClearedEvent');
    const cleared = await s.waitFor('201', 'ConnectionClearedEvent');
    t.match(cleared, { droppedConnection: { callID }, releasingDevice: CALLER, cause: 'normalClearing' });
    t.same(s.at('201').filter((e) => !e.startsWith('Agent')).map((e) => e.replace(/\(.*\)/, '')), ['DeliveredEvent', 'EstablishedEvent', 'ConnectionClearedEvent', 'CallClearedEvent']);
  });

  t.test('ACD group: queued, delivered to an agent (enteringDistribution, acdCall), diverted (distributed), established', async (t) => {
    const agents = ['201', '202', '203', '204', '205', '206'];
    const s = await site(t, transport, ['600', ...agents]);
    const callID = s.model.placeInboundCall({ from: CALLER, to: DID_ACD });
    await s.waitFor('600', 'DivertedEvent');
    const delivered = s.seen.find((e) => e.event.type === 'DeliveredEvent' && e.device !== '600');
    t.ok(delivered, 'delivered at an agent');
    const agent = delivered?.device as string;
    t.match(delivered?.event, { cause: 'enteringDistribution', callCharacteristics: { acdCall: true }, connection: { callID, deviceID: agent }, calledDevice: '600' });
    t.same(s.at('600'), ['QueuedEvent(enteringDistribution)', 'DeliveredEvent(enteringDistribution)', 'DivertedEvent(distributed)'], 'the group monitor sees the call queue, ring at the agent and leave the group');
    t.match(await s.waitFor('600', 'QueuedEvent'), { queue: '600', callingDevice: CALLER, queuedConnection: { callID } });
    const diverted = await s.waitFor('600', 'DivertedEvent');
    t.match(diverted, { divertingDevice: '600', newDestination: agent });
    await s.link.answerCall({ callID, deviceID: agent });
    const established = await s.waitFor(agent, 'EstablishedEvent');
    t.match(established, { answeringDevice: agent, cause: /.+/ });
    t.ok(s.at(agent).includes('AgentBusyEvent'), 'the agent becomes busy');
  });

  t.test('caller hangs up while queued: ConnectionCleared then CallCleared at the group', async (t) => {
    const s = await site(t, transport, ['600']);
    for (const agent of ['201', '202', '203', '204', '205', '206']) await s.link.setAgentState(agent, 'notReady');
    const callID = s.model.placeInboundCall({ from: CALLER, to: DID_ACD });
    await s.waitFor('600', 'QueuedEvent');
    s.model.hangUpExternal(callID);
    await s.waitFor('600', 'CallClearedEvent');
    const cleared = await s.waitFor('600', 'ConnectionClearedEvent');
    t.match(cleared.cause, /callCancelled|normalClearing/);
    t.match(s.at('600').filter((e) => !e.startsWith('Agent')), ['QueuedEvent', /ConnectionClearedEvent/, /CallClearedEvent/]);
  });

  t.test('consultation transfer: held, initiated, originated, delivered, established, transferred', async (t) => {
    const s = await site(t, transport, ['201', '202']);
    const { first, consult, mark, beforeAnswer } = await consultationAnsweredBy202(s);
    t.match(beforeAnswer, ['HeldEvent(consultation)', 'ServiceInitiatedEvent', 'OriginatedEvent']);
    await s.link.transferCall(first, consult);
    const transferred = await s.waitFor('202', 'TransferredEvent', mark);
    t.match(transferred, { transferringDevice: '201', transferredToDevice: '202', cause: 'transfer' });
    await s.waitFor('201', 'TransferredEvent', mark);
    t.ok(transferred.transferredConnections?.length, 'transferred connections listed');
  });

  t.test('conference: consultation then ConferenceCall gives Conferenced at every party', async (t) => {
    const s = await site(t, transport, ['201', '202']);
    const { first, consult, mark } = await consultationAnsweredBy202(s);
    await s.link.conferenceCall(first, consult);
    const conferenced = await s.waitFor('201', 'ConferencedEvent', mark);
    t.match(conferenced, { conferencingDevice: '201', addedParty: '202', cause: 'conference' });
    await s.waitFor('202', 'ConferencedEvent', mark);
  });

  t.test('single-step transfer: Transferred (singleStepTransfer, no secondary call), delivered at the target', async (t) => {
    const s = await site(t, transport, ['201', '202']);
    const first = await callAnsweredAt201(s);
    const mark = s.mark();
    await s.link.singleStepTransfer(first, '202');
    const transferred = await s.waitFor('201', 'TransferredEvent', mark);
    t.match(transferred, { cause: 'singleStepTransfer', transferringDevice: '201', transferredToDevice: '202' });
    t.equal(transferred.secondaryOldCall, undefined);
    const delivered = await s.waitFor('202', 'DeliveredEvent', mark);
    await s.link.answerCall(delivered.connection);
    await s.waitFor('202', 'EstablishedEvent', mark);
  });

  t.test('deflect while alerting: Diverted (redirected), delivered at the new destination with the redirection device', async (t) => {
    const s = await site(t, transport, ['201', '202']);
    s.model.placeInboundCall({ from: CALLER, to: DID_201 });
    const alerting = await s.waitFor('201', 'DeliveredEvent');
    await s.link.deflectCall(alerting.connection, '202');
    const diverted = await s.waitFor('201', 'DivertedEvent');
    t.match(diverted, { cause: 'redirected', newDestination: '202' });
    const delivered = await s.waitFor('202', 'DeliveredEvent');
    t.match(delivered, { lastRedirectionDevice: '201', alertingDevice: '202', callingDevice: CALLER });
  });

  t.test('silent monitor and barge-in by SingleStepConferenceCall', async (t) => {
    const s = await site(t, transport, ['201', '210', '211']);
    const first = await callAnsweredAt201(s);
    let mark = s.mark();
    await s.link.singleStepConference(first, '210', 'silent');
    t.match(await s.waitFor('201', 'ConferencedEvent', mark), { cause: 'silentParticipation', addedParty: '210' });
    await s.waitFor('210', 'ConferencedEvent', mark);
    mark = s.mark();
    await s.link.singleStepConference(first, '211', 'active');
    t.match(await s.waitFor('201', 'ConferencedEvent', mark), { cause: 'activeParticipation', addedParty: '211' });
  });

  t.test('hold and retrieve', async (t) => {
    const s = await site(t, transport, ['201']);
    const first = await callAnsweredAt201(s);
    const mark = s.mark();
    await s.link.holdCall(first);
    t.match(await s.waitFor('201', 'HeldEvent', mark), { heldConnection: first, holdingDevice: '201', localConnectionInfo: 'hold' });
    await s.link.retrieveCall(first);
    t.match(await s.waitFor('201', 'RetrievedEvent', mark), { retrievedConnection: first, retrievingDevice: '201', localConnectionInfo: 'connected' });
    await t.rejects(s.link.retrieveCall(first), { name: 'CstaError', value: 'invalidConnectionState' }, 'retrieve of a call not held is refused');
  });

  t.test('MakeCall from an extension: initiated, originated, delivered, established', async (t) => {
    const s = await site(t, transport, ['201', '202']);
    const made = await s.link.makeCall('201', '202');
    t.equal(made.callingDevice.deviceID, '201');
    const delivered = await s.waitFor('202', 'DeliveredEvent');
    t.match(delivered, { callingDevice: '201', calledDevice: '202', alertingDevice: '202' });
    t.match(s.at('201'), ['ServiceInitiatedEvent', 'OriginatedEvent', 'DeliveredEvent']);
    await s.link.answerCall(delivered.connection);
    await s.waitFor('201', 'EstablishedEvent');
    await s.waitFor('202', 'EstablishedEvent');
  });

  t.test('routing point: RouteRequest answered by RouteSelect; no answer falls back to the default route', async (t) => {
    const s = await site(t, transport, ['202', '600']);
    await s.link.routeRegister('700');
    const request = new Promise<{ routingCrossRefID: string; routeRegisterReqID?: string; currentRoute: string }>((resolve) => s.link.once('RouteRequest', resolve));
    const used = new Promise((resolve) => s.link.once('RouteUsed', resolve));
    s.model.placeInboundCall({ from: CALLER, to: DID_ROUTE });
    const asked = await request;
    t.equal(asked.currentRoute, '700');
    s.link.routeSelect({ routingCrossRefID: asked.routingCrossRefID, routeSelected: '202', ...(asked.routeRegisterReqID ? { routeRegisterReqID: asked.routeRegisterReqID } : {}) });
    t.match(await used, { routeUsed: '202' });
    t.match(await s.waitFor('202', 'DeliveredEvent'), { alertingDevice: '202', callingDevice: CALLER });

    const second = new Promise((resolve) => s.link.once('RouteRequest', resolve));
    const ended = new Promise((resolve) => s.link.once('RouteEnd', resolve));
    const mark = s.mark();
    s.model.placeInboundCall({ from: '0301555222', to: DID_ROUTE });
    await second;
    await s.clock.tickAsync(5000);
    t.match(await ended, { errorValue: /.+/ });
    await s.waitFor('600', 'QueuedEvent', mark);
  });

  t.test('invalid requests are answered with CSTAErrorCode, never silence', async (t) => {
    const s = await site(t, transport, []);
    await t.rejects(s.link.monitor('999'), { name: 'CstaError', group: 'operation', value: 'invalidDeviceID' });
    await t.rejects(s.link.answerCall({ callID: 'FF00', deviceID: '201' }), { name: 'CstaError' });
    const error = await s.link.makeCall('201', '999').catch((e: unknown) => e);
    t.ok(error instanceof CstaError, `MakeCall to a number that does not exist: ${String(error)}`);
    const devices = await s.link.listDevices();
    t.ok(devices.some((d) => d.deviceID === '600'), 'the ACD group is among the listed devices');
    t.ok(devices.length >= 17, `all devices listed (${devices.length})`);
  });
}
