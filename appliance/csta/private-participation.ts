/**
 * Whisper (coaching) as a private participation. ECMA-269 SingleStepConferenceCall knows only
 * silent and active participation, so a switch that coaches (profile whisperStyle
 * privateParticipation) takes a silent join marked whisper in its private data:
 *
 *   <extensions><privateData><private><participation xmlns="urn:ccbox:csta:private-participation">whisper</participation></private></privateData></extensions>
 *
 * A switch that ignores the mark still joins silently, so the customer never hears the supervisor.
 * This is the one place that writes and reads the mark (the link and the switch simulator alike).
 */
import { CodecError } from './errors.js';
import type { ArgsOf } from './messages.js';
import type { ConnectionId } from './schema.js';
import { type XmlElement, XmlError, parseXml } from './xml/parser.js';

export const PRIVATE_PARTICIPATION_NAMESPACE = 'urn:ccbox:csta:private-participation';

/** How a supervisor joins: listen only, speak to the agent only, or three-way (barge-in). */
export type Participation = 'silent' | 'whisper' | 'active';

/** The `<extensions>` element that marks a join as `participation`. */
export function privateParticipationData(participation: 'whisper'): string {
  const mark = `<participation xmlns="${PRIVATE_PARTICIPATION_NAMESPACE}">${participation}</participation>`;
  return `<extensions><privateData><private>${mark}</private></privateData></extensions>`;
}

const child = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name);

/**
 * The participation a message's private data marks (its `privateData` as decoded: the
 * `<extensions>` element as written, any prefix), or undefined when it carries no mark.
 * Throws CodecError badXml for private data that does not parse.
 */
export function privateParticipationOf(privateData: string | undefined): string | undefined {
  if (privateData === undefined) return undefined;
  let extensions: XmlElement;
  try {
    extensions = parseXml(privateData);
  } catch (error) {
    if (error instanceof XmlError) throw new CodecError('badXml', `extensions: private data does not parse: ${error.message}`);
    throw error;
  }
  const privateElements = child(extensions, 'privateData')?.children.filter((c) => c.name === 'private') ?? [];
  for (const element of privateElements) {
    const mark = child(element, 'participation');
    if (mark) return mark.text.trim();
  }
  return undefined;
}

/** SingleStepConferenceCall arguments for a supervisor's device joining with `participation`. */
export function singleStepConferenceArgs(activeCall: ConnectionId, deviceToJoin: string, participation: Participation): ArgsOf<'SingleStepConferenceCall'> {
  if (participation === 'whisper') return { activeCall, deviceToJoin, participationType: 'silent', privateData: privateParticipationData('whisper') };
  return { activeCall, deviceToJoin, participationType: participation };
}
