/** The zod shape of a transport URL in configuration files: the JSON Schema checks the scheme, the transport's own parser the rest. */
import { z } from 'zod';
import { TransportError } from './errors.js';
import { parseTransportUrl } from './url.js';

const URL_SHAPE = /^(?:tcp:\/\/|serial:)/;

export function transportUrlSchema() {
  return z
    .string()
    .regex(URL_SHAPE, { error: 'expected tcp://host:port or serial:/dev/…?baud=N', abort: true })
    .superRefine((url, ctx) => {
      try {
        const parsed = parseTransportUrl(url);
        if (parsed.kind === 'tcp' && parsed.port === 0) ctx.addIssue({ code: 'custom', message: 'expected a TCP port between 1 and 65535' });
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
      }
    });
}
