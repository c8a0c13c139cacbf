/**
 * Route registrations (RouteRegister, for one routing point or for all) and the open routing
 * dialogues (RouteRequest → RouteSelect / RouteEnd), so that each dialogue goes to one client.
 */

export interface Registration<Owner> {
  readonly reqId: string;
  readonly owner: Owner;
  /** undefined: registered for every routing point. */
  readonly device: string | undefined;
}

export interface Dialogue<Owner> {
  readonly owner: Owner;
  readonly reqId: string;
  readonly device: string;
}

export class RouteRegistry<Owner> {
  readonly #registrations = new Map<string, Registration<Owner>>();
  readonly #dialogues = new Map<string, Dialogue<Owner>>();
  #lastReqId = 0;

  register(owner: Owner, device: string | undefined): Registration<Owner> {
    this.#lastReqId++;
    const registration: Registration<Owner> = { reqId: `R${this.#lastReqId}`, owner, device };
    this.#registrations.set(registration.reqId, registration);
    return registration;
  }

  /** False when `reqId` is not a registration of `owner`. */
  cancel(owner: Owner, reqId: string): boolean {
    const registration = this.#registrations.get(reqId);
    if (!registration || registration.owner !== owner) return false;
    this.#registrations.delete(reqId);
    return true;
  }

  /** The router of `device`: the latest registration for that device, else the latest for all. */
  routerFor(device: string): Registration<Owner> | undefined {
    let forAll: Registration<Owner> | undefined;
    let forDevice: Registration<Owner> | undefined;
    for (const registration of this.#registrations.values()) {
      if (registration.device === device) forDevice = registration;
      else if (registration.device === undefined) forAll = registration;
    }
    return forDevice ?? forAll;
  }

  ofOwner(owner: Owner): Registration<Owner>[] {
    return [...this.#registrations.values()].filter((r) => r.owner === owner);
  }

  openDialogue(crossRefId: string, dialogue: Dialogue<Owner>): void {
    this.#dialogues.set(crossRefId, dialogue);
  }

  dialogue(crossRefId: string): Dialogue<Owner> | undefined {
    return this.#dialogues.get(crossRefId);
  }

  endDialogue(crossRefId: string): void {
    this.#dialogues.delete(crossRefId);
  }

  /** Forgets every registration and dialogue of `owner`; the model's timeout routes its calls. */
  dropOwner(owner: Owner): void {
    for (const [reqId, registration] of this.#registrations) if (registration.owner === owner) this.#registrations.delete(reqId);
    for (const [ref, dialogue] of this.#dialogues) if (dialogue.owner === owner) this.#dialogues.delete(ref);
  }

  clear(): void {
    this.#registrations.clear();
    this.#dialogues.clear();
  }
}
