import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  /** Where log lines go; defaults to stderr so stdout stays free for command output. */
  destination?: pino.DestinationStream;
}

/** The root logger. Modules take `logger.child({ module: 'csta.session' })` from what they are given. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.CCBOX_LOG_LEVEL ?? 'info';
  return pino({ level, base: undefined }, options.destination ?? pino.destination(2));
}

/** A logger that discards everything: for tests and for library callers that pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
