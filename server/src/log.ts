import { pino, type Logger as Pino } from 'pino';

/** Log levels Weft knows, from `WEFT_LOG_LEVEL`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

function levelFromEnv(): LogLevel {
  const v = process.env['WEFT_LOG_LEVEL'];
  return LEVELS.includes(v as LogLevel) ? (v as LogLevel) : 'info';
}

/**
 * The process logger: one JSON object per line on stderr (stdout stays for results such as the
 * URL `weft start` prints). Synchronous, so the last lines before `process.exit` are not lost.
 */
export const logger: Pino = pino(
  { base: { pid: process.pid }, level: levelFromEnv(), timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
  pino.destination({ fd: 2, sync: true }),
);

/** Sets the level after the configuration is parsed. */
export function setLogLevel(level: LogLevel): void {
  logger.level = level;
}

type Fields = Readonly<Record<string, unknown>>;
const at = (level: LogLevel) => (msg: string, fields?: Fields) => (fields ? logger[level](fields, msg) : logger[level](msg));

/** Start-up, request and shutdown messages, as structured lines on stderr. */
export const log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
