/** Where a call goes when it is offered to a number: a phone, a group's queue, a routing point, or out on a trunk. */
import type { Parts } from './context.js';
import type { Call } from './core.js';
import type { Destination } from './directory.js';
import { deliverToStation, reachNetwork } from './lifecycle.js';

/** Offers the call to `destination` (already resolved, so valid); `cause` is the Delivered cause at a phone. */
export function offer(parts: Parts, call: Call, destination: Destination, cause: string): void {
  switch (destination.kind) {
    case 'station':
      deliverToStation(parts, call, destination.station, cause);
      return;
    case 'group':
      parts.queues.enqueue(call, destination.group);
      return;
    case 'routingPoint':
      parts.routing.arrive(call, destination.routingPoint);
      return;
    case 'external':
      reachNetwork(parts, call, destination.number);
      return;
  }
}

/** The number a destination is dialled as. */
export function numberOf(destination: Destination): string {
  switch (destination.kind) {
    case 'station':
      return destination.station.number;
    case 'group':
      return destination.group.number;
    case 'routingPoint':
      return destination.routingPoint.number;
    case 'external':
      return destination.number;
  }
}
