/**
 * The appliance's CstaLink under sinon fake timers against scripted peers over loopback TCP (real
 * sockets keep working: only the timer functions are faked). One teardown: drop the peers'
 * connections, restore the clock, then stop the links (their sessions are down, so stop is immediate).
 */
import sinon from 'sinon';
import type { Test } from 'tap';
import { CstaLink } from '../../appliance/csta/link.js';
import { CSTA_NAMESPACES } from '../../appliance/csta/namespaces.js';
import { type PbxProfile, loadPbxProfile } from '../../appliance/csta/profile.js';
import type { SessionCredentials } from '../../appliance/csta/session.js';
import { systemClock } from '../../appliance/runtime/clock.js';
import { silentLogger } from '../../appliance/runtime/logger.js';
import { CstaPeer, type PeerConnection } from './csta-peer.js';

const generic = loadPbxProfile('generic-ed4');

export function linksUnderFakeTime(t: Test, profile: Partial<PbxProfile> = {}) {
  const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const links: CstaLink[] = [];
  const peers: CstaPeer[] = [];
  t.teardown(async () => {
    for (const peer of peers) await peer.close();
    clock.restore();
    for (const link of links) await link.stop();
  });
  const make = (url: string, credentials: SessionCredentials = { applicationId: 'ccbox-test' }) => {
    const link = new CstaLink({ url, profile: { ...generic, ...profile }, credentials, clock: systemClock, logger: silentLogger() });
    links.push(link);
    return link;
  };
  const peer = async (...args: Parameters<typeof CstaPeer.start>) => {
    const started = await CstaPeer.start(...args);
    peers.push(started);
    return started;
  };
  return { clock, make, peer };
}

/** Plays the switch's side of an ECMA-354 session start and returns the connection. */
export async function acceptSession(peer: CstaPeer, duration = 60): Promise<PeerConnection> {
  const conn = await peer.accept();
  const start = await conn.next('StartApplicationSession');
  conn.answer(start, { type: 'StartApplicationSessionPosResponse', sessionID: 'S1', actualProtocolVersion: CSTA_NAMESPACES.ed4, actualSessionDuration: duration });
  return conn;
}
