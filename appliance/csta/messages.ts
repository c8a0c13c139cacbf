/** The message catalogue: every CSTA message ccbox knows, by root element name, with its type. */
import { callEventShapes, deviceEventShapes } from './catalogue/events.js';
import { serviceShapes } from './catalogue/services.js';
import { sessionShapes, systemShapes } from './catalogue/session.js';
import type { Infer, Shape } from './schema.js';

export const shapes = {
  ...serviceShapes,
  ...callEventShapes,
  ...deviceEventShapes,
  ...sessionShapes,
  ...systemShapes,
} as const satisfies Record<string, Shape>;

type Shapes = typeof shapes;
export type MessageName = keyof Shapes;

/** Fields every decoded message may carry besides its own. */
interface Envelope {
  /** The `<extensions>` element as written, vendor private data included. */
  privateData?: string;
}

/** Distributes over a union of names, giving a discriminated union. */
export type MessageOf<N extends MessageName> = N extends MessageName ? { type: N } & Infer<Shapes[N]> & Envelope : never;

/** A failure reply: `<CSTAErrorCode><operation>invalidDeviceID</operation></CSTAErrorCode>`. */
export interface CstaErrorMessage extends Envelope {
  type: 'CSTAErrorCode';
  group: string;
  value: string;
}

/** A message whose root ccbox does not know: kept as a plain tree so it can be logged and surfaced. */
export interface UnknownMessage extends Envelope {
  type: 'Unknown';
  name: string;
  body: Record<string, unknown>;
}

export type KnownMessage = MessageOf<MessageName>;
export type CstaMessage = KnownMessage | CstaErrorMessage | UnknownMessage;

export const CALL_EVENT_NAMES = Object.keys(callEventShapes) as (keyof typeof callEventShapes)[];
export const DEVICE_EVENT_NAMES = Object.keys(deviceEventShapes) as (keyof typeof deviceEventShapes)[];
export type CallEventName = keyof typeof callEventShapes;
export type DeviceEventName = keyof typeof deviceEventShapes;
export type MonitorEventName = CallEventName | DeviceEventName;
export type MonitorEvent = MessageOf<MonitorEventName>;

/** Service requests and their positive response names; ECMA-354 ones answer PosResponse / NegResponse. */
export type RequestName = {
  [N in MessageName]: `${N}Response` extends MessageName ? N : `${N}PosResponse` extends MessageName ? N : never;
}[MessageName];

export type ResponseOf<N extends RequestName> = `${N}Response` extends MessageName
  ? MessageOf<`${N}Response`>
  : `${N}PosResponse` extends MessageName
    ? MessageOf<`${N}PosResponse`>
    : never;

/** Everything but the type tag: the arguments a caller gives for request N, vendor private data included. */
export type ArgsOf<N extends MessageName> = Infer<Shapes[N]> & Envelope;

export function isMonitorEvent(message: CstaMessage): message is MonitorEvent {
  return message.type in callEventShapes || message.type in deviceEventShapes;
}

export function isKnownMessageName(name: string): name is MessageName {
  return Object.prototype.hasOwnProperty.call(shapes, name);
}

/** The name of the request a response or error answers: MakeCallResponse → MakeCall. */
export function requestNameOfResponse(name: string): string | undefined {
  for (const suffix of ['PosResponse', 'NegResponse', 'Response']) {
    if (name.endsWith(suffix)) return name.slice(0, -suffix.length);
  }
  return undefined;
}
