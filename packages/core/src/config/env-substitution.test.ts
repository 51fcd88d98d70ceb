import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { EnvironmentVariableError, substituteEnvironment } from './env-substitution.js';

const substitute = (value: unknown, environment: Record<string, string> = {}) => substituteEnvironment(value, environment);

describe('substituteEnvironment', () => {
  it('takes a set variable and fails on an unset or empty one', () => {
    expect(substitute('${env.URL}', { URL: 'http://x' })).toBe('http://x');
    expect(() => substitute({ a: { b: '${env.MISSING}' } })).toThrowError(EnvironmentVariableError);
    expect(() => substitute({ a: { b: '${env.MISSING}' } })).toThrowError(/MISSING.*a\.b/);
    expect(() => substitute('${env.EMPTY}', { EMPTY: '' })).toThrowError(/EMPTY/);
  });

  it('applies := defaults, including the empty default', () => {
    expect(substitute('${env.PORT:=8000}')).toBe(8000);
    expect(substitute('${env.PORT:=8000}', { PORT: '9000' })).toBe(9000);
    expect(substitute('${env.KEY:=}')).toBeNull();
    expect(substitute('${env.KEY:=}', { KEY: '' })).toBeNull();
  });

  it('applies :+ only when the variable is non-empty', () => {
    expect(substitute('${env.OLLAMA_URL:+ollama}', { OLLAMA_URL: 'http://h' })).toBe('ollama');
    expect(substitute('${env.OLLAMA_URL:+ollama}')).toBeNull();
    expect(substitute('${env.OLLAMA_URL:+}', { OLLAMA_URL: 'x' })).toBeNull();
  });

  it('coerces substituted strings but leaves literal strings alone', () => {
    expect(substitute('${env.B:=True}')).toBe(true);
    expect(substitute('${env.B:=false}')).toBe(false);
    expect(substitute('${env.F:=0.5}')).toBe(0.5);
    expect(substitute('${env.S:=hello}')).toBe('hello');
    expect(substitute('true')).toBe('true');
    expect(substitute('4096')).toBe('4096');
    expect(substitute(4096)).toBe(4096);
  });

  it('substitutes inside longer strings and expands ~', () => {
    expect(substitute('${env.DIR:=~/.stack}/kv.db')).toBe(`${homedir()}/.stack/kv.db`);
    expect(substitute('http://${env.HOST:=localhost}:${env.PORT:=1}/v1')).toBe('http://localhost:1/v1');
  });

  it('does not substitute the rest of a disabled provider entry', () => {
    const result = substitute([
      { provider_id: '${env.VLLM_URL:+vllm}', provider_type: 'remote::vllm', config: { url: '${env.VLLM_URL}' } },
      { provider_id: 'on', provider_type: 'remote::x', config: { url: '${env.X:=u}' } },
    ]);
    expect(result).toEqual([
      { provider_id: null, provider_type: 'remote::vllm', config: { url: '${env.VLLM_URL}' } },
      { provider_id: 'on', provider_type: 'remote::x', config: { url: 'u' } },
    ]);
  });
});
