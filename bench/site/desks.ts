/**
 * The bench's agent team: simulated desks on the appliance's broker that also time every command
 * they send (publish → reply over MQTT) and note when each screen pop arrives.
 */
import type { Clock } from '../../appliance/runtime/clock.js';
import { seededRandom } from '../../appliance/media/signals.js';
import { type AgentDeskError, type AgentDeskOptions, type AgentProfileOverride, type DeskCommand, type DeskCounters, SimulatedAgentDesk, sumCounters } from '../../simulators/agents/index.js';
import { type CommandSample, DESK_PASSWORD, type OfferSeen, SITE, agentDevice, agentId, wallClockMs } from './protocol.js';

const FIRST_ERRORS_KEPT = 5;

class TimedAgentDesk extends SimulatedAgentDesk {
  readonly #samples: CommandSample[];

  constructor(options: AgentDeskOptions, samples: CommandSample[]) {
    super(options);
    this.#samples = samples;
  }

  override async command(command: DeskCommand): Promise<unknown> {
    const started = performance.now();
    try {
      const result = await super.command(command);
      this.#samples.push({ cmd: command.cmd, ms: performance.now() - started });
      return result;
    } catch (error) {
      this.#samples.push({ cmd: command.cmd, ms: performance.now() - started, error: (error as AgentDeskError).code ?? 'unknown' });
      throw error;
    }
  }
}

export interface BenchTeam {
  readonly commands: CommandSample[];
  readonly offersSeen: OfferSeen[];
  readonly errors: { byCode: Record<string, number>; first: string[] };
  totals(): DeskCounters;
  stop(): Promise<void>;
}

/** Logs `agents` desks in (ready) at their extensions; rejects naming the desks that could not start. */
export async function startBenchTeam(options: { brokerUrl: string; agents: number; profile: AgentProfileOverride; clock: Clock; seed: number }): Promise<BenchTeam> {
  const commands: CommandSample[] = [];
  const offersSeen: OfferSeen[] = [];
  const errors = { byCode: {} as Record<string, number>, first: [] as string[] };
  const onError = (error: AgentDeskError) => {
    errors.byCode[error.code] = (errors.byCode[error.code] ?? 0) + 1;
    if (errors.first.length < FIRST_ERRORS_KEPT) errors.first.push(error.message);
  };
  const desks = Array.from({ length: options.agents }, (_, index) => {
    const desk = new TimedAgentDesk(
      {
        url: options.brokerUrl,
        site: SITE,
        agentId: agentId(index),
        password: DESK_PASSWORD,
        device: agentDevice(index),
        profile: options.profile,
        clock: options.clock,
        random: seededRandom(options.seed + index),
      },
      commands,
    );
    desk.on('offered', (offer) => offersSeen.push({ callId: offer.callId, agentId: desk.agentId, atMs: wallClockMs() }));
    desk.on('error', onError);
    return desk;
  });
  const stop = async () => {
    await Promise.all(desks.map((desk) => desk.stop()));
  };
  const started = await Promise.allSettled(desks.map((desk) => desk.start()));
  const failures = started.flatMap((result) => (result.status === 'rejected' ? [String((result.reason as Error).message)] : []));
  if (failures.length > 0) {
    await stop();
    throw new Error(`${failures.length} of ${desks.length} desks could not start; first: ${failures[0]}`);
  }
  return { commands, offersSeen, errors, totals: () => sumCounters(desks.map((desk) => desk.counters)), stop };
}
