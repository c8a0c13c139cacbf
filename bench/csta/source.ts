/**
 * The simulator side of the CSTA bench, run as its own process: the real PBX simulator server with
 * the demo site, whose model is made to report DeliveredEvents at the device the client monitors at
 * an offered rate, in 10 ms ticks. Each event carries its send time (µs since the epoch) in
 * correlatorData so the client can measure latency. Controlled over the fork IPC channel.
 */
import { loadPbxProfile } from '../../appliance/csta/profile.js';
import { createLogger } from '../../appliance/runtime/logger.js';
import { demoDialPlan } from '../../simulators/switch/model/dialplan.js';
import { createSwitch } from '../../simulators/switch/model/switch.js';
import { startSwitchServer } from '../../simulators/switch/server/index.js';

export type SourceCommand = { cmd: 'run'; device: string; rate: number; seconds: number } | { cmd: 'exit' };
export type SourceReport = { kind: 'listening'; url: string } | { kind: 'done'; sent: number; seconds: number };

const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

async function main(): Promise<void> {
  const logger = createLogger({ level: 'warn' });
  const model = createSwitch(demoDialPlan(), { logger });
  const server = await startSwitchServer({ model, listen: ['tcp://127.0.0.1:0'], profile: loadPbxProfile('generic-ed4'), logger });
  const send = (report: SourceReport) => {
    if (process.connected) process.send?.(report);
  };
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
  send({ kind: 'listening', url: server.addresses[0] as string });

  process.on('message', (command: SourceCommand) => {
    if (command.cmd === 'exit') {
      void server.close().then(() => process.exit(0));
      return;
    }
    const { device, rate, seconds } = command;
    const perTick = Math.max(1, Math.round(rate / 100));
    const started = performance.now();
    let sent = 0;
    let callNumber = 0;
    const tick = () => {
      const elapsed = performance.now() - started;
      if (elapsed >= seconds * 1000) {
        send({ kind: 'done', sent, seconds: elapsed / 1000 });
        return;
      }
      const due = Math.min(Math.round((elapsed / 1000) * rate) + perTick, Math.round(seconds * rate)) - sent;
      for (let i = 0; i < due; i++) {
        callNumber++;
        model.emit('deviceEvent', device, {
          type: 'DeliveredEvent',
          connection: { callID: (0xff000100000000000000n + BigInt(callNumber)).toString(16).padStart(32, '0').toUpperCase(), deviceID: device },
          alertingDevice: device,
          callingDevice: '+4930123456',
          calledDevice: '600',
          lastRedirectionDevice: '600',
          localConnectionInfo: 'alerting',
          correlatorData: String(nowMicros()),
          cause: 'enteringDistribution',
          callCharacteristics: { acdCall: true },
        });
      }
      sent += Math.max(0, due);
      setTimeout(tick, 10);
    };
    tick();
  });
}

void main();
