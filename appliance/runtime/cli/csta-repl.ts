/** The commands `ccbox csta` takes on its standard input or from --exec, one per line. */
import type { PbxLink } from '../../csta/pbx-link.js';
import type { ConnectionId } from '../../csta/schema.js';
import type { ConnectionTracker, TrackedState } from '../../csta/connection-tracker.js';

export const CSTA_COMMAND_HELP = `commands (one per line):
  list                         devices of the switch (GetSwitchingFunctionDevices)
  monitor DEV [DEV...]         start device monitors        unmonitor DEV
  snapshot DEV                 calls at a device (SnapshotDevice)
  make FROM TO                 MakeCall from an extension
  answer DEV                   answer the alerting call     clear DEV    clear the active call's connection
  hold DEV | retrieve DEV      hold / retrieve              clearcall DEV   clear the whole call
  consult DEV TO               consultation call from DEV's active call
  transfer DEV | conference DEV  complete with DEV's held and active calls
  sst DEV TO                   single-step transfer         deflect DEV TO   deflect the alerting call
  listen SUP DEV | whisper SUP DEV | barge SUP DEV  supervisor joins DEV's call silently / heard by DEV only / actively
  digits DEV 123#              GenerateDigits on DEV's active call
  agent DEV STATE [AGENTID] [GROUP]  SetAgentState (loggedOn, loggedOff, ready, notReady, workingAfterCall)
  calls DEV                    what this client has seen at DEV
  help | quit`;

export class CommandError extends Error {}

function need(args: string[], count: number, usage: string): string[] {
  if (args.length < count) throw new CommandError(`usage: ${usage}`);
  return args;
}

function connectionAt(tracker: ConnectionTracker, device: string, state: TrackedState): ConnectionId {
  const found = tracker.find(device, state);
  if (!found) throw new CommandError(`no ${state} call seen at ${device} (monitor it first)`);
  return found;
}

/** Runs one command line; returns the text to print, or 'quit'. Throws CommandError or CstaError. */
export async function runCstaCommand(line: string, link: PbxLink, tracker: ConnectionTracker): Promise<string | 'quit'> {
  const [verb, ...args] = line.trim().split(/\s+/);
  const at = (state: TrackedState) => connectionAt(tracker, need(args, 1, `${verb} DEV`)[0] as string, state);
  switch (verb) {
    case undefined:
    case '':
      return '';
    case 'help':
      return CSTA_COMMAND_HELP;
    case 'quit':
    case 'exit':
      return 'quit';
    case 'list': {
      const devices = await link.listDevices();
      return devices.map((d) => `${(d.deviceID ?? '').padEnd(12)} ${d.deviceCategory ?? ''}`).join('\n') + `\n${devices.length} devices`;
    }
    case 'monitor': {
      const refs = [];
      for (const device of need(args, 1, 'monitor DEV [DEV...]')) refs.push(`${device}=${await link.monitor(device)}`);
      return `monitoring ${refs.join(' ')}`;
    }
    case 'unmonitor':
      await link.unmonitor(need(args, 1, 'unmonitor DEV')[0] as string);
      return 'ok';
    case 'snapshot': {
      const answer = await link.snapshotDevice(need(args, 1, 'snapshot DEV')[0] as string);
      const items = answer.crossRefIDorSnapshotData?.snapshotData ?? [];
      return items.map((i) => `${i.connectionIdentifier?.callID} ${i.localCallState?.compoundCallState?.localConnectionState ?? i.localCallState?.simpleCallState ?? ''}`).join('\n') || 'no calls';
    }
    case 'make': {
      const [from, to] = need(args, 2, 'make FROM TO');
      const answer = await link.makeCall(from as string, to as string);
      return `ok call ${answer.callingDevice.callID}`;
    }
    case 'answer':
      await link.answerCall(at('alerting'));
      return 'ok';
    case 'clear':
      await link.clearConnection(tracker.find(args[0] ?? '', 'connected') ?? at('alerting'));
      return 'ok';
    case 'clearcall':
      await link.clearCall(at('connected'));
      return 'ok';
    case 'hold':
      await link.holdCall(at('connected'));
      return 'ok';
    case 'retrieve':
      await link.retrieveCall(at('hold'));
      return 'ok';
    case 'consult': {
      const [, to] = need(args, 2, 'consult DEV TO');
      const answer = await link.consultationCall(at('connected'), to as string);
      return `ok consultation call ${answer.initiatedCall.callID}`;
    }
    case 'transfer':
      await link.transferCall(at('hold'), at('connected'));
      return 'ok';
    case 'conference':
      await link.conferenceCall(at('hold'), at('connected'));
      return 'ok';
    case 'sst':
      await link.singleStepTransfer(at('connected'), need(args, 2, 'sst DEV TO')[1] as string);
      return 'ok';
    case 'deflect':
      await link.deflectCall(at('alerting'), need(args, 2, 'deflect DEV TO')[1] as string);
      return 'ok';
    case 'listen':
    case 'whisper':
    case 'barge': {
      const [supervisor, device] = need(args, 2, `${verb} SUP DEV`);
      const call = connectionAt(tracker, device as string, 'connected');
      await link.singleStepConference(call, supervisor as string, verb === 'listen' ? 'silent' : verb === 'whisper' ? 'whisper' : 'active');
      return 'ok';
    }
    case 'digits':
      await link.generateDigits(at('connected'), need(args, 2, 'digits DEV DIGITS')[1] as string);
      return 'ok';
    case 'agent': {
      const [device, state, agentID, group] = need(args, 2, 'agent DEV STATE [AGENTID] [GROUP]');
      const states = ['loggedOn', 'loggedOff', 'notReady', 'ready', 'workingAfterCall'] as const;
      const requested = states.find((s) => s === state);
      if (!requested) throw new CommandError(`unknown agent state "${state}"; one of ${states.join(', ')}`);
      await link.setAgentState(device as string, requested, { ...(agentID ? { agentID } : {}), ...(group ? { group } : {}) });
      return 'ok';
    }
    case 'calls':
      return tracker.calls(need(args, 1, 'calls DEV')[0] as string).map(([c, s]) => `${c} ${s}`).join('\n') || 'no calls seen';
    default:
      throw new CommandError(`unknown command "${verb}" (type help)`);
  }
}
