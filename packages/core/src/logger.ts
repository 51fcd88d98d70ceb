export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

const levels: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A small console logger; level from the option or `STACK_LOG_LEVEL` (default `info`). */
export function createConsoleLogger(options: { level?: LogLevel; scope?: string } = {}): Logger {
  const level = options.level ?? parseLevel(process.env.STACK_LOG_LEVEL) ?? 'info';
  const threshold = levels[level];
  const make = (scope: string | undefined): Logger => {
    const write = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
      if (levels[at] < threshold) return;
      const prefix = `${new Date().toISOString()} ${at.toUpperCase().padEnd(5)}${scope ? ` [${scope}]` : ''}`;
      const suffix = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
      (at === 'error' || at === 'warn' ? console.error : console.log)(`${prefix} ${message}${suffix}`);
    };
    return {
      debug: (m, f) => write('debug', m, f),
      info: (m, f) => write('info', m, f),
      warn: (m, f) => write('warn', m, f),
      error: (m, f) => write('error', m, f),
      child: (child) => make(scope ? `${scope}:${child}` : child),
    };
  };
  return make(options.scope);
}

/** A logger that drops everything; the default for in-process stacks and tests. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

function parseLevel(value: string | undefined): LogLevel | undefined {
  const lowered = value?.toLowerCase();
  return lowered && lowered in levels ? (lowered as LogLevel) : undefined;
}
