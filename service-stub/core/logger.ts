import winston from 'winston';

export type Logger = winston.Logger;

/** One line per event on stdout (journald-friendly). Callers never pass secrets or Authorization headers. */
export function createLogger(level = process.env.DATAPIPE_LOG_LEVEL ?? 'info', silent = false): Logger {
  return winston.createLogger({
    level,
    silent,
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.printf(({ timestamp, level: lvl, message, ...meta }) => {
        const rest = Object.keys(meta).length ? ' ' + JSON.stringify(meta) : '';
        return `${timestamp} ${lvl.toUpperCase()} ${message}${rest}`;
      }),
    ),
    transports: [new winston.transports.Console()],
  });
}
