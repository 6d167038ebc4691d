import { pino, type DestinationStream, type Logger as Pino, type LoggerOptions } from 'pino';

/** Log levels Weft knows (`WEFT_LOG_LEVEL`, read with the rest of the configuration). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

let second = Number.NaN;
let secondIso = '';
/**
 * Pino's ISO timestamp (`,"time":"2026-01-02T03:04:05.678Z"`), with the date and time formatted
 * once a second instead of once a line: every API request logs a line.
 */
function isoTime(): string {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  if (s !== second) {
    second = s;
    secondIso = new Date(s * 1000).toISOString().slice(0, 20);
  }
  return `,"time":"${secondIso}${String(now - s * 1000).padStart(3, '0')}Z"`;
}

type Fields = Readonly<Record<string, unknown>>;

// `info` until the configuration is parsed: `loadConfig` sets the configured level.
const options: LoggerOptions = { base: { pid: process.pid }, level: 'info', timestamp: isoTime, formatters: { level: (label) => ({ level: label }) } };

/**
 * Where the lines go: stderr through pino's asynchronous destination (lines written meanwhile go
 * out together; pino flushes it synchronously on exit, so the last lines before `process.exit`
 * are kept), or what `setLogDestination` gave.
 */
let target: DestinationStream = pino.destination({ fd: 2, sync: false });

/**
 * The process logger: one JSON object per line on stderr (stdout stays for results such as the
 * URL `weft start` prints).
 */
export const logger: Pino = pino(options, { write: (line: string) => target.write(line) });

/**
 * Sends the log lines to `destination` from now on, in the same format and at the same level: a
 * benchmark writes them to a file so the lines it measures do not flood its terminal.
 */
export function setLogDestination(destination: DestinationStream): void {
  target = destination;
}

const at = (level: LogLevel) => (msg: string, fields?: Fields) => (fields ? logger[level](fields, msg) : logger[level](msg));

/** Start-up, request and shutdown messages, as structured lines on stderr; one `request` line (info) per HTTP request. */
export const log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), request: (fields: Fields) => logger.info(fields, 'request') };
