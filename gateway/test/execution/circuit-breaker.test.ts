import { CircuitBreaker, type CircuitState, type CircuitVerdict } from '../../src/execution/circuit-breaker.js';

/** One step of a script: move the clock, then ask admission and record a verdict (or only ask). */
type Step = { at: number; verdict?: CircuitVerdict; expect: 'admitted' | 'probe' | string; after: CircuitState };

function play(steps: Step[]) {
  let now = 0;
  const changes: string[] = [];
  const breaker = new CircuitBreaker({ failures: 2, resetMs: 100, clock: () => now, onChange: ({ from, to }) => changes.push(`${from}->${to}`) });
  for (const [i, step] of steps.entries()) {
    now = step.at;
    const admission = breaker.admit();
    const got = admission.admitted ? (admission.probe ? 'probe' : 'admitted') : admission.reason;
    expect({ step: i, got }).toEqual({ step: i, got: step.expect });
    if (admission.admitted && step.verdict) breaker.record(step.verdict, admission.probe);
    expect({ step: i, state: breaker.state }).toEqual({ step: i, state: step.after });
  }
  return changes;
}

describe('CircuitBreaker', () => {
  it('opens after 2 consecutive failures and refuses until resetMs has passed', () => {
    const changes = play([
      { at: 0, verdict: 'failure', expect: 'admitted', after: 'closed' },
      { at: 1, verdict: 'failure', expect: 'admitted', after: 'open' },
      { at: 2, expect: 'circuit open after 2 failures; next probe in 99 ms', after: 'open' },
      { at: 90, expect: 'circuit open after 2 failures; next probe in 11 ms', after: 'open' },
    ]);
    expect(changes).toEqual(['closed->open']);
  });

  it.each<[string, Step[], string[]]>([
    [
      'a success between failures resets the count',
      [
        { at: 0, verdict: 'failure', expect: 'admitted', after: 'closed' },
        { at: 1, verdict: 'success', expect: 'admitted', after: 'closed' },
        { at: 2, verdict: 'failure', expect: 'admitted', after: 'closed' },
      ],
      [],
    ],
    [
      'a neutral verdict (the caller went away) neither counts nor resets',
      [
        { at: 0, verdict: 'failure', expect: 'admitted', after: 'closed' },
        { at: 1, verdict: 'neutral', expect: 'admitted', after: 'closed' },
        { at: 2, verdict: 'failure', expect: 'admitted', after: 'open' },
      ],
      ['closed->open'],
    ],
    [
      "the probe's success closes it",
      [
        { at: 0, verdict: 'failure', expect: 'admitted', after: 'closed' },
        { at: 0, verdict: 'failure', expect: 'admitted', after: 'open' },
        { at: 101, verdict: 'success', expect: 'probe', after: 'closed' },
        { at: 102, expect: 'admitted', after: 'closed' },
      ],
      ['closed->open', 'open->half-open', 'half-open->closed'],
    ],
    [
      "the probe's failure opens it again, for another resetMs",
      [
        { at: 0, verdict: 'failure', expect: 'admitted', after: 'closed' },
        { at: 0, verdict: 'failure', expect: 'admitted', after: 'open' },
        { at: 100, verdict: 'failure', expect: 'probe', after: 'open' },
        { at: 150, expect: 'circuit open after 3 failures; next probe in 50 ms', after: 'open' },
        { at: 200, verdict: 'success', expect: 'probe', after: 'closed' },
      ],
      ['closed->open', 'open->half-open', 'half-open->open', 'open->half-open', 'half-open->closed'],
    ],
    [
      'a cancelled probe leaves it half-open for the next probe',
      [
        { at: 0, verdict: 'failure', expect: 'admitted', after: 'closed' },
        { at: 0, verdict: 'failure', expect: 'admitted', after: 'open' },
        { at: 100, verdict: 'neutral', expect: 'probe', after: 'half-open' },
        { at: 101, verdict: 'success', expect: 'probe', after: 'closed' },
      ],
      ['closed->open', 'open->half-open', 'half-open->closed'],
    ],
  ])('%s', (_label, steps, changes) => {
    expect(play(steps)).toEqual(changes);
  });

  it('lets only one probe through while it is in flight, and ignores calls admitted before it opened', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failures: 1, resetMs: 100, clock: () => now });
    const early = breaker.admit();
    breaker.admit();
    breaker.record('failure', false);
    expect(breaker.state).toBe('open');
    now = 100;
    const probe = breaker.admit();
    expect(probe).toEqual({ admitted: true, probe: true });
    expect(breaker.admit()).toEqual({ admitted: false, reason: 'circuit open after 1 failures; a probe is in flight' });
    // A call admitted while it was still closed ends now: it must not decide for the probe.
    expect(early.admitted).toBe(true);
    breaker.record('success', false);
    expect(breaker.state).toBe('half-open');
    breaker.record('success', true);
    expect(breaker.state).toBe('closed');
  });

  it.each([
    [{ failures: 0 }, 'expected failures to be a whole number of 1 or more, got 0'],
    [{ failures: 2.5 }, 'expected failures to be a whole number of 1 or more, got 2.5'],
    [{ resetMs: 0 }, 'expected resetMs to be more than 0, got 0'],
  ])('refuses %j', (options, message) => {
    expect(() => new CircuitBreaker(options)).toThrow(message);
  });
});
