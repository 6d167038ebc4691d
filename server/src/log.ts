import { pino, type DestinationStream, type Logger as Pino, type LoggerOptions } from 'pino';

/** Log levels Weft knows, from `WEFT_LOG_LEVEL`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

function levelFromEnv(): LogLevel {
  const v = process.env['WEFT_LOG_LEVEL'];
  return LEVELS.includes(v as LogLevel) ? (v as LogLevel) : 'info';
}

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

const options: LoggerOptions = { base: { pid: process.pid }, level: levelFromEnv(), timestamp: isoTime, formatters: { level: (label) => ({ level: label }) } };

/** Where the lines go: stderr, or what `setLogDestination` gave. */
let target: DestinationStream = pino.destination({ fd: 2, sync: true });
/** Request lines not written yet, and whether a write is scheduled for the end of the turn. */
let pending = '';
let scheduled = false;
let batching = false;

/** Writes the request lines waiting to be written, in one synchronous write. */
function flush(): void {
  scheduled = false;
  if (!pending) return;
  const text = pending;
  pending = '';
  target.write(text);
}
// `exit` handlers run synchronously, after `process.exit` and after an uncaught exception alike.
process.on('exit', flush);

/**
 * Request lines wait for the end of their event-loop turn (`setImmediate`) and go out together
 * in one write: under load a request's line costs a share of a system call instead of a whole one.
 * Every other line is written at once, after the request lines before it, so the order holds.
 */
const stream: DestinationStream = {
  write(line: string) {
    if (!batching) {
      flush();
      target.write(line);
      return;
    }
    pending += line;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  },
};

/**
 * The process logger: one JSON object per line on stderr (stdout stays for results such as the
 * URL `weft start` prints). Synchronous, so the last lines before `process.exit` are not lost;
 * request lines are written at the end of their event-loop turn, or on exit.
 */
export const logger: Pino = pino(options, stream);

/**
 * Sends the log lines to `destination` from now on, in the same format and at the same level: a
 * benchmark writes them to a file so the lines it measures do not flood its terminal.
 */
export function setLogDestination(destination: DestinationStream): void {
  flush();
  target = destination;
}

/** One `request` line (info) per HTTP request, written with the other request lines of its turn. */
function request(fields: Fields): void {
  batching = true;
  try {
    logger.info(fields, 'request');
  } finally {
    batching = false;
  }
}

/** Sets the level after the configuration is parsed. */
export function setLogLevel(level: LogLevel): void {
  logger.level = level;
}

const at = (level: LogLevel) => (msg: string, fields?: Fields) => (fields ? logger[level](fields, msg) : logger[level](msg));

/** Start-up, request and shutdown messages, as structured lines on stderr. */
export const log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), request };
