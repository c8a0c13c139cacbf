/**
 * The simulated PBX's call model: built from a dial plan, driven by CSTA requests (execute) and by
 * the scripting API (callers outside, people at the phones), reporting CSTA events per device.
 */
import { EventEmitter } from 'node:events';
import type { KnownMessage } from '../../../appliance/csta/messages.js';
import { type Clock, systemClock } from '../../../appliance/runtime/clock.js';
import { type Logger, silentLogger } from '../../../appliance/runtime/logger.js';
import { AgentBook } from './agents.js';
import * as analog from './analog-lines.js';
import type { AnalogScripting, DeviceSummary, LineCall, NetworkScripting, SwitchModel, SwitchModelEvents, SwitchScripting, VoicePath, VoiceQueries } from './api.js';
import { answerAt, hangUpAt, makeCall } from './basic-calls.js';
import type { Parts } from './context.js';
import { Core } from './core.js';
import type { DialPlan } from './dialplan.js';
import { Directory } from './directory.js';
import { voicePathsAt } from './participation.js';
import { Queues } from './queues.js';
import { execute } from './requests.js';
import { Routing } from './routing.js';
import * as scripting from './scripting.js';

export interface SwitchOptions {
  clock?: Clock;
  logger?: Logger;
}

export type SimulatedSwitch = SwitchModel & SwitchScripting & NetworkScripting & AnalogScripting & VoiceQueries;

class SwitchImpl extends EventEmitter<SwitchModelEvents> implements SimulatedSwitch {
  readonly #parts: Parts;
  readonly #transfers: scripting.PhoneTransfers;

  constructor(plan: DialPlan, options: SwitchOptions) {
    super();
    const log = options.logger ?? silentLogger();
    const core = new Core(new Directory(plan), options.clock ?? systemClock, log, this);
    // Order matters: agents settle (free stations) before queues distribute to them.
    const agents = new AgentBook(core);
    const queues = new Queues();
    const routing = new Routing();
    this.#parts = { core, agents, queues, routing };
    queues.attach(this.#parts);
    routing.attach(this.#parts);
    this.#transfers = new scripting.PhoneTransfers(this.#parts);
    log.info({ devices: core.directory.summaries().length, plan: plan.name }, 'switch model ready');
  }

  #run<T>(what: string, work: () => T): T {
    const { core } = this.#parts;
    try {
      return core.run(work);
    } catch (error) {
      core.log.debug({ what, err: (error as Error).message }, 'refused');
      throw error;
    }
  }

  execute(request: KnownMessage): KnownMessage {
    return this.#run(request.type, () => execute(this.#parts, request));
  }

  hasDevice(device: string): boolean {
    return this.#parts.core.directory.has(device);
  }

  devices(): DeviceSummary[] {
    return this.#parts.core.directory.summaries();
  }

  setRouterRegistered(routingDevice: string, registered: boolean): void {
    this.#parts.routing.setRegistered(routingDevice, registered);
  }

  placeInboundCall(args: { from: string; to: string; trunk?: string }): string {
    return this.#run('placeInboundCall', () => scripting.placeInboundCall(this.#parts, args).id);
  }

  hangUpExternal(callID: string): void {
    this.#run('hangUpExternal', () => scripting.hangUpExternal(this.#parts, callID));
  }

  sendExternalDigits(callID: string, digits: string): void {
    this.#run('sendExternalDigits', () => scripting.sendExternalDigits(this.#parts, callID, digits));
  }

  answerExternal(callID: string): void {
    this.#run('answerExternal', () => scripting.answerExternal(this.#parts, callID));
  }

  answerAt(device: string): void {
    this.#run('answerAt', () => answerAt(this.#parts, device));
  }

  hangUpAt(device: string): void {
    this.#run('hangUpAt', () => hangUpAt(this.#parts, device));
  }

  /** Returns the new call's ID, or '' for a feature code (it changes the agent's state and makes no call). */
  dialFrom(device: string, number: string): string {
    return this.#run('dialFrom', () => makeCall(this.#parts, device, number)?.id ?? '');
  }

  transferFrom(device: string, target: string): void {
    this.#run('transferFrom', () => this.#transfers.start(device, target));
  }

  offHookAt(device: string): 'answered' | 'dialTone' {
    return this.#run('offHookAt', () => analog.offHookAt(this.#parts, device));
  }

  onHookAt(device: string): 'idle' | 'cleared' | 'transferred' | 'recall' {
    return this.#run('onHookAt', () => analog.onHookAt(this.#parts, device));
  }

  flashAt(device: string): 'held' | 'retrieved' {
    return this.#run('flashAt', () => analog.flashAt(this.#parts, device));
  }

  dialAt(device: string, digits: string): { action: 'consultation' | 'digits' | 'call'; callID: string } {
    return this.#run('dialAt', () => analog.dialAt(this.#parts, device, digits));
  }

  lineCallsAt(device: string): LineCall[] {
    return analog.lineCallsAt(this.#parts, device);
  }

  isOffHook(device: string): boolean {
    return this.#parts.core.offHook.has(device);
  }

  voicePathsAt(device: string): VoicePath[] {
    return voicePathsAt(this.#parts.core, device);
  }
}

export function createSwitch(plan: DialPlan, options: SwitchOptions = {}): SimulatedSwitch {
  return new SwitchImpl(plan, options);
}
