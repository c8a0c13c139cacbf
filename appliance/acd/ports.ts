/** What the ACD and its API need from the phones. The composition root wires the CSTA implementation. */

/** Call control at an agent's (or supervisor's) extension. Each rejects with an Error that says what failed. */
export interface CallControl {
  answer(device: string): Promise<void>;
  hangup(device: string): Promise<void>;
  hold(device: string): Promise<void>;
  retrieve(device: string): Promise<void>;
  /** Blind transfer of the active call. */
  transfer(device: string, target: string): Promise<void>;
  /** Holds the active call and calls `target` (consultation). */
  consult(device: string, target: string): Promise<void>;
  completeTransfer(device: string): Promise<void>;
  conference(device: string): Promise<void>;
  /** Drops the consultation and takes the held call back. */
  cancelConsult(device: string): Promise<void>;
  /** Rings `device` first; when it answers, calls `number`. Resolves with the call's ID. */
  makeCall(device: string, number: string): Promise<string>;
  /** A supervisor at `supervisorDevice` joins the agent's call: silent, whisper (only the agent hears), barge (three-way). */
  monitor(supervisorDevice: string, agentDevice: string, mode: 'silent' | 'whisper' | 'barge'): Promise<void>;
  /** The agent's call is moved to the supervisor's extension. */
  takeOver(agentDevice: string, supervisorDevice: string): Promise<void>;
}
