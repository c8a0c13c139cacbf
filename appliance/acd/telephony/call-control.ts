/** Call control at agents' and supervisors' extensions over CSTA, finding connections with the tracker the agent phones keep. */
import type { ConnectionTracker, TrackedState } from '../../csta/connection-tracker.js';
import type { PbxLink } from '../../csta/pbx-link.js';
import type { ConnectionId } from '../../csta/schema.js';
import type { CallControl } from '../ports.js';

export class NoSuchConnection extends Error {
  readonly code = 'noCall';
}

/** A supervisor mode the switch does not offer (whisper on a profile without a whisperStyle). */
export class MonitorModeNotSupported extends Error {
  readonly code = 'notSupported';
}

export class CstaCallControl implements CallControl {
  constructor(
    private readonly link: PbxLink,
    private readonly tracker: ConnectionTracker,
  ) {}

  #find(device: string, ...states: TrackedState[]): ConnectionId {
    for (const state of states) {
      const found = this.tracker.find(device, state);
      if (found) return found;
    }
    throw new NoSuchConnection(`no ${states.join(' or ')} call at ${device}`);
  }

  async answer(device: string): Promise<void> {
    await this.link.answerCall(this.#find(device, 'alerting'));
  }

  async hangup(device: string): Promise<void> {
    await this.link.clearConnection(this.#find(device, 'connected', 'alerting', 'initiated', 'hold'));
  }

  async hold(device: string): Promise<void> {
    await this.link.holdCall(this.#find(device, 'connected'));
  }

  async retrieve(device: string): Promise<void> {
    await this.link.retrieveCall(this.#find(device, 'hold'));
  }

  async transfer(device: string, target: string): Promise<void> {
    await this.link.singleStepTransfer(this.#find(device, 'connected'), target);
  }

  async consult(device: string, target: string): Promise<void> {
    await this.link.consultationCall(this.#find(device, 'connected'), target);
  }

  async completeTransfer(device: string): Promise<void> {
    await this.link.transferCall(this.#find(device, 'hold'), this.#find(device, 'connected', 'alerting', 'initiated'));
  }

  async conference(device: string): Promise<void> {
    await this.link.conferenceCall(this.#find(device, 'hold'), this.#find(device, 'connected'));
  }

  async cancelConsult(device: string): Promise<void> {
    await this.link.reconnectCall(this.#find(device, 'hold'), this.#find(device, 'connected', 'alerting', 'initiated'));
  }

  async makeCall(device: string, number: string): Promise<string> {
    const response = await this.link.makeCall(device, number);
    return response.callingDevice.callID;
  }

  async monitor(supervisorDevice: string, agentDevice: string, mode: 'silent' | 'whisper' | 'barge'): Promise<void> {
    const { profile } = this.link;
    if (mode === 'whisper' && profile.whisperStyle === 'none') {
      throw new MonitorModeNotSupported(
        `whisper (coaching) is not in ECMA-269 and PBX profile ${profile.name} offers no private way to do it (whisperStyle none); use silent or barge`,
      );
    }
    await this.link.singleStepConference(this.#find(agentDevice, 'connected'), supervisorDevice, mode === 'barge' ? 'active' : mode);
  }

  async takeOver(agentDevice: string, supervisorDevice: string): Promise<void> {
    await this.link.singleStepTransfer(this.#find(agentDevice, 'connected', 'hold'), supervisorDevice);
  }
}
