import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { PublishInput, PublishResult } from '../../registry/src/api/types.js';
import { RegistryError } from '../../registry/src/client.js';
import { publishOnStart, type PublishOnStartOptions, type PublishOutcome } from './publish-on-start.js';

// The registry is played by a fake client: what matters here is what the subgraph does with each answer.
let dir: string;
const product = () => ({ name: 'pricing', schemaPath: join(dir, 'schema.graphql'), descriptorPath: join(dir, 'dataproduct.yaml') });
const config = { registryUrl: 'http://127.0.0.1:4620', token: 'a-token', url: 'http://127.0.0.1:4621/graphql', label: 'abc123' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-publish-on-start-'));
  await writeFile(join(dir, 'schema.graphql'), 'type Query { price: Int }\n');
  await writeFile(join(dir, 'dataproduct.yaml'), 'name: pricing\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function result(ok: boolean, overrides: Partial<PublishResult> = {}): PublishResult {
  return {
    ok,
    unchanged: false,
    version: ok ? ({ name: 'pricing', version: 3 } as PublishResult['version']) : null,
    supergraph: null,
    report: ok
      ? { ok, compositionId: 'c0ffee', results: [] }
      : {
          ok,
          compositionId: null,
          results: [{ severity: 'ERROR', rule: 'breaking', message: 'Field "Query.price" was removed', coordinates: ['Query.price'], clients: [{ client: 'shop', version: '2.1', count: 42, lastSeen: '2025-01-02' }], evidence: null }],
        },
    ...overrides,
  };
}

/** Runs one publish against answers given in turn (an Error is thrown, a result returned), recording the calls and the log. */
async function run(answers: (PublishResult | Error)[], options: PublishOnStartOptions = {}) {
  const calls: PublishInput[] = [];
  const logs: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => (logs.push(JSON.parse(String(chunk))), done()) }));
  const client = {
    publish: async (input: PublishInput) => {
      calls.push(input);
      const answer = answers[Math.min(calls.length, answers.length) - 1];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  const outcome: PublishOutcome = await publishOnStart(product(), config, logger, { client, firstDelayMs: 1, maxDelayMs: 2, ...options });
  return { outcome, calls, logs, errors: logs.filter((l) => l.level >= 50).map((l) => l.msg) };
}

describe('publishing on start', () => {
  it('sends the folder\'s schema.graphql and dataproduct.yaml as they are, with its routing URL and label', async () => {
    const { outcome, calls, logs } = await run([result(true)]);
    expect(outcome.kind).toBe('published');
    expect(calls).toEqual([{ name: 'pricing', url: config.url, sdl: 'type Query { price: Int }\n', descriptor: 'name: pricing\n', label: 'abc123' }]);
    expect(logs.map((l) => l.msg)).toContain('published pricing to the registry at http://127.0.0.1:4620: version 3');
  });

  it('retries while the registry does not answer, then publishes', async () => {
    const unreachable = new RegistryError('connect ECONNREFUSED 127.0.0.1:4620', 'UNREACHABLE', 0);
    const { outcome, calls, errors } = await run([unreachable, new RegistryError('starting', 'BAD_RESPONSE', 503), result(true, { unchanged: true })]);
    expect(outcome.kind).toBe('published');
    expect(calls).toHaveLength(3);
    expect(errors).toEqual([]);
  });

  it('logs a refused publish with its report and keeps serving', async () => {
    const { outcome, calls, errors } = await run([result(false)]);
    expect(outcome.kind).toBe('refused');
    expect(calls).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('the registry refused to publish pricing: it keeps serving the previous version, and a deploy pipeline would fail here; this process keeps serving.');
    expect(errors[0]).toContain('[breaking] Field "Query.price" was removed');
    expect(errors[0]).toContain('shop 2.1 (42 requests, last 2025-01-02)');
  });

  it('does not retry an answer that a retry cannot change, and says which scope the token needs', async () => {
    const { outcome, calls, errors } = await run([new RegistryError('publishing "pricing" needs registry:publish:pricing', 'FORBIDDEN', 403)]);
    expect(outcome.kind).toBe('failed');
    expect(calls).toHaveLength(1);
    expect(errors[0]).toMatch(/publishing pricing to the registry at .* failed: .*\(MESHGATE_TOKEN needs scope registry:publish:pricing\); this process keeps serving, unpublished/);
  });

  it('gives up on a registry that stays unreachable, and says how to publish later', async () => {
    const { outcome, calls, errors } = await run([new TypeError('fetch failed')], { giveUpAfterMs: 30 });
    expect(outcome.kind).toBe('gave-up');
    expect(calls.length).toBeGreaterThan(1);
    expect(errors).toEqual([expect.stringMatching(/stayed unreachable for 0 s \(fetch failed\); pricing keeps serving, unpublished: publish it with npx meshgate publish$/)]);
  });

  it('stops retrying when the process stops', async () => {
    const stop = new AbortController();
    const pending = run([new TypeError('fetch failed')], { signal: stop.signal, firstDelayMs: 10_000, maxDelayMs: 10_000 });
    setTimeout(() => stop.abort(), 20);
    const { outcome, calls } = await pending;
    expect(outcome.kind).toBe('stopped');
    expect(calls).toHaveLength(1);
  });

  it('warns when the published URL is not where the process listens', async () => {
    const { logs } = await run([result(true)], { listeningPort: 4999 });
    expect(logs.find((l) => l.level === 40)?.msg).toBe(
      'publishing http://127.0.0.1:4621/graphql, but this process listens on port 4999: the gateway will not reach it there unless something forwards it; set PRICING_URL',
    );
  });

  it('never throws: a folder it cannot read is a failed outcome', async () => {
    const logger = pino({ level: 'silent' });
    const outcome = await publishOnStart({ ...product(), schemaPath: join(dir, 'missing.graphql') }, config, logger, { client: { publish: async () => result(true) } });
    expect(outcome).toMatchObject({ kind: 'failed', error: expect.objectContaining({ code: 'ENOENT' }) });
  });
});
