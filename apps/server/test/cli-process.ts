import { spawn, type ChildProcess } from 'node:child_process';

/** The built CLI (the app's test target builds it first). */
export const cliPath = new URL('../dist/cli.js', import.meta.url).pathname;

export interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs the built CLI and waits for it to print the address it serves. */
export function runCli(args: string[], environment: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /serving .* at (http:\/\/[\d.:]+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1], output: () => output, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`stack exited with ${code} before serving:\n${output}`)));
  });
}

