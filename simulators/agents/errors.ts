/** What went wrong at a simulated desk, with the code a test or bench can switch on. */

/**
 * Codes from the appliance's error replies (badState, unknownReason, …) pass through unchanged;
 * the desk adds its own: connectFailed, subscriptionRefused, notConnected, timeout, brokerLost,
 * stopped, badReply, badEvent, mqttError.
 */
export class AgentDeskError extends Error {
  override readonly name = 'AgentDeskError';

  constructor(
    readonly agentId: string,
    readonly code: string,
    detail: string,
    /** The command that failed, when one did. */
    readonly command?: string,
    options?: ErrorOptions,
  ) {
    super(`agent ${agentId}: ${command === undefined ? '' : `${command} failed: `}${code}: ${detail}`, options);
  }
}
