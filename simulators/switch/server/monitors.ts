/** Device monitors of every client: which client hears which device, under which monitorCrossRefID. */

export interface Monitor<Owner> {
  readonly crossRefId: string;
  readonly device: string;
  readonly owner: Owner;
}

export class MonitorTable<Owner> {
  readonly #byRef = new Map<string, Monitor<Owner>>();
  readonly #byDevice = new Map<string, Set<Monitor<Owner>>>();
  #lastRef: number;

  /** Cross references start at `firstRef` so they look like a real switch's and never repeat within a run. */
  constructor(firstRef = 1000) {
    this.#lastRef = firstRef - 1;
  }

  start(owner: Owner, device: string): Monitor<Owner> {
    this.#lastRef++;
    const monitor: Monitor<Owner> = { crossRefId: String(this.#lastRef), device, owner };
    this.#byRef.set(monitor.crossRefId, monitor);
    let onDevice = this.#byDevice.get(device);
    if (!onDevice) this.#byDevice.set(device, (onDevice = new Set()));
    onDevice.add(monitor);
    return monitor;
  }

  /** Stops `owner`'s monitor `crossRefId`; false when no such monitor belongs to `owner`. */
  stop(owner: Owner, crossRefId: string): boolean {
    const monitor = this.#byRef.get(crossRefId);
    if (!monitor || monitor.owner !== owner) return false;
    this.#remove(monitor);
    return true;
  }

  /** The monitors on `device`, in the order they were started. */
  onDevice(device: string): Monitor<Owner>[] {
    return [...(this.#byDevice.get(device) ?? [])];
  }

  ofOwner(owner: Owner): Monitor<Owner>[] {
    return [...this.#byRef.values()].filter((m) => m.owner === owner);
  }

  /** Removes every monitor of `owner` (its connection is gone); returns how many there were. */
  dropOwner(owner: Owner): number {
    const mine = this.ofOwner(owner);
    for (const monitor of mine) this.#remove(monitor);
    return mine.length;
  }

  get size(): number {
    return this.#byRef.size;
  }

  #remove(monitor: Monitor<Owner>): void {
    this.#byRef.delete(monitor.crossRefId);
    const onDevice = this.#byDevice.get(monitor.device);
    onDevice?.delete(monitor);
    if (onDevice?.size === 0) this.#byDevice.delete(monitor.device);
  }
}
