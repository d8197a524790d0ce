import { marketing } from '../src/server.js';
import { CAMPAIGN_CHANNELS, CAMPAIGN_STATUSES, CONSENT_CHANNELS } from '../src/store.js';
import { startTestSubgraph, type TestSubgraph, statementCounts } from '../../../test/support/subgraphs.js';

describe('marketing subgraph over HTTP', () => {
  let service: TestSubgraph;
  beforeAll(async () => {
    service = await startTestSubgraph(marketing);
  });
  afterAll(() => service?.stop());

  const query = (q: string, variables?: Record<string, unknown>) => service.query(q, variables);
  const entities = (representations: Record<string, unknown>[], selection: string) =>
    query(`query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`, { r: representations });

  it('serves campaigns, latest start first, with their promotions and segments', async () => {
    const { body } = await query(
      '{ campaigns(limit: 3) { id name channel status startsAt endsAt budget segments { id name size } promotions { discountPercent active product { id } campaign { id } } } }',
    );
    expect(body.errors).toBeUndefined();
    const campaigns = body.data!.campaigns;
    expect(campaigns).toHaveLength(3);
    const starts = campaigns.map((c: { startsAt: string }) => Date.parse(c.startsAt));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    for (const campaign of campaigns) {
      expect(campaign).toMatchObject({ id: expect.stringMatching(/^\d+$/), budget: expect.any(Number), startsAt: expect.stringMatching(/Z$/) });
      expect(campaign.promotions).toHaveLength(40);
      expect(campaign.segments.length).toBeGreaterThan(0);
      expect(campaign.segments[0].size).toBeGreaterThan(0);
      for (const promotion of campaign.promotions) {
        expect(promotion.campaign.id).toBe(campaign.id);
        expect(promotion.active).toBe(campaign.status === 'ACTIVE');
      }
    }
  });

  it.each([
    ['by status', '{ campaigns(status: PAUSED, limit: 100) { status } }', (c: { status: string }) => c.status === 'PAUSED', 5],
    ['by channel', '{ campaigns(channel: EMAIL, limit: 100) { channel } }', (c: { channel: string }) => c.channel === 'EMAIL', -1],
    ['by page', '{ campaigns(limit: 10, offset: 45) { id } }', () => true, 5],
  ])('filters campaigns %s', async (_name, q, matches, expected) => {
    const { body } = await query(q);
    expect(body.errors).toBeUndefined();
    const campaigns = body.data!.campaigns;
    expect(campaigns.length).toBeGreaterThan(0);
    if (expected !== -1) expect(campaigns).toHaveLength(expected);
    expect(campaigns.every(matches)).toBe(true);
  });

  it.each([
    ['a campaign by id', '{ campaign(id: "1") { id status } }', 'campaign', { id: '1', status: 'ENDED' }],
    ['an unknown campaign', '{ campaign(id: "999999") { id } }', 'campaign', null],
    ['a non-numeric campaign id', '{ campaign(id: "abc") { id } }', 'campaign', null],
    ['a segment by id', '{ segment(id: "3") { id name size } }', 'segment', { id: '3', name: 'High spenders', size: expect.any(Number) }],
    ['an unknown segment', '{ segment(id: "99") { id } }', 'segment', null],
  ])('finds %s', async (_name, q, field, expected) => {
    const { body } = await query(q);
    expect(body.errors).toBeUndefined();
    expect(body.data![field]).toEqual(expected);
  });

  it('lists every segment in id order with its size', async () => {
    const { body } = await query('{ segments { id name description size } }');
    expect(body.errors).toBeUndefined();
    const segments = body.data!.segments;
    expect(segments.map((s: { id: string }) => s.id)).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
    expect(segments.every((s: { size: number; description: string }) => s.size > 0 && s.description.length > 0)).toBe(true);
  });

  it.each([
    ['CampaignChannel', CAMPAIGN_CHANNELS],
    ['CampaignStatus', CAMPAIGN_STATUSES],
    ['ConsentChannel', CONSENT_CHANNELS],
  ])('declares enum %s with the values the store and database use', async (name, values) => {
    const { body } = await query(`{ __type(name: "${name}") { enumValues { name } } }`);
    expect(body.data!.__type.enumValues.map((v: { name: string }) => v.name)).toEqual(values);
  });

  it.each([
    ['a limit too large', '{ campaigns(limit: 1000) { id } }', 'limit must be between 1 and 100, got 1000'],
    ['a negative offset', '{ campaigns(offset: -1) { id } }', 'offset must be 0 or more, got -1'],
    ['a non-numeric campaign id', 'mutation { launchCampaign(id: "abc") { id } }', 'id must be a numeric id such as "42", got "abc"'],
    ['an unknown campaign', 'mutation { launchCampaign(id: "999999") { id } }', 'No campaign with id "999999"'],
    [
      'launching an ended campaign',
      'mutation { launchCampaign(id: "1") { id } }',
      'Campaign 1 is ENDED: only DRAFT, SCHEDULED or PAUSED campaigns can be launched',
    ],
    ['pausing an ended campaign', 'mutation { pauseCampaign(id: "1") { id } }', 'Campaign 1 is ENDED: only ACTIVE campaigns can be paused'],
    [
      'consent for a non-numeric customer',
      'mutation { setMarketingConsent(customerId: "bob", consents: [{ channel: EMAIL, granted: true }]) { id } }',
      'customerId must be a numeric id such as "42", got "bob"',
    ],
    ['consent without choices', 'mutation { setMarketingConsent(customerId: "1", consents: []) { id } }', 'consents must name at least one channel'],
    [
      'consent naming a channel twice',
      'mutation { setMarketingConsent(customerId: "1", consents: [{ channel: SMS, granted: true }, { channel: SMS, granted: false }]) { id } }',
      'consents names SMS more than once',
    ],
  ])('rejects %s with a clear BAD_USER_INPUT error', async (_name, q, message) => {
    const { body } = await query(q);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringContaining(message), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('resolves references to every entity it owns or extends, in order, with null for unknown ones', async () => {
    const { body } = await entities(
      [
        { __typename: 'Campaign', id: '1' },
        { __typename: 'Campaign', id: '999999' },
        { __typename: 'Promotion', id: '1' },
        { __typename: 'Promotion', id: 'abc' },
        { __typename: 'Segment', id: '3' },
        { __typename: 'Segment', id: '99' },
        { __typename: 'Product', id: '1' },
        // A product inventory may know but marketing never promoted: it is there, without promotions.
        { __typename: 'Product', id: '424242' },
        { __typename: 'Product', id: 'not-an-id' },
        { __typename: 'Customer', id: '1' },
        { __typename: 'Customer', id: '424242' },
        { __typename: 'Customer', id: 'not-an-id' },
      ],
      `... on Campaign { id status }
       ... on Promotion { id campaign { id } }
       ... on Segment { id name }
       ... on Product { id promotions { id } campaigns { id } }
       ... on Customer { id segments { id } marketingConsent { grantedChannels updatedAt } }`,
    );
    expect(body.errors).toBeUndefined();
    const result = body.data!._entities;
    expect(result).toEqual([
      { id: '1', status: 'ENDED' },
      null,
      { id: '1', campaign: { id: '1' } },
      null,
      { id: '3', name: 'High spenders' },
      null,
      { id: '1', promotions: expect.any(Array), campaigns: expect.any(Array) },
      { id: '424242', promotions: [], campaigns: [] },
      null,
      { id: '1', segments: expect.any(Array), marketingConsent: { grantedChannels: expect.any(Array), updatedAt: expect.any(String) } },
      { id: '424242', segments: [], marketingConsent: { grantedChannels: [], updatedAt: null } },
      null,
    ]);
    expect(result[6].promotions.length).toBeGreaterThan(0);
    expect(result[6].campaigns.length).toBe(result[6].promotions.length);
  });

  it('launches and pauses a campaign, and its promotions follow', async () => {
    const { body: list } = await query('{ campaigns(status: DRAFT, limit: 1) { id promotions { product { id } } } }');
    const [{ id, promotions }] = list.data!.campaigns;
    // Demo dates follow DEMO_EPOCH, not the clock: give the draft no end so it may launch whenever the test runs.
    await service.database.db.query('UPDATE campaigns SET ends_at = NULL WHERE id = $1', [Number(id)]);
    const productId = promotions[0].product.id;
    const activePromotionsOfProduct = async () => {
      const { body } = await entities([{ __typename: 'Product', id: productId }], '... on Product { promotions(activeOnly: true) { campaign { id } } }');
      return body.data!._entities[0].promotions.map((p: { campaign: { id: string } }) => p.campaign.id);
    };

    const { body: launched } = await query(`mutation { launchCampaign(id: "${id}") { id status startsAt promotions { active } } }`);
    expect(launched.errors).toBeUndefined();
    expect(launched.data!.launchCampaign).toMatchObject({ id, status: 'ACTIVE' });
    expect(Date.parse(launched.data!.launchCampaign.startsAt)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(launched.data!.launchCampaign.promotions.every((p: { active: boolean }) => p.active)).toBe(true);
    expect(await activePromotionsOfProduct()).toContain(id);

    const { body: paused } = await query(`mutation { pauseCampaign(id: "${id}") { status promotions { active } } }`);
    expect(paused.errors).toBeUndefined();
    expect(paused.data!.pauseCampaign.status).toBe('PAUSED');
    expect(paused.data!.pauseCampaign.promotions.some((p: { active: boolean }) => p.active)).toBe(false);
    expect(await activePromotionsOfProduct()).not.toContain(id);
  });

  it('shows later fields of the same request the promotions as a status change left them', async () => {
    const { body: list } = await query('{ campaigns(status: SCHEDULED, limit: 1) { id } }');
    const [{ id }] = list.data!.campaigns;
    await service.database.db.query('UPDATE campaigns SET ends_at = NULL WHERE id = $1', [Number(id)]);
    const selection = '{ status promotions { active product { promotions(activeOnly: true) { campaign { id } } } } }';
    const { body } = await query(`mutation { launched: launchCampaign(id: "${id}") ${selection} paused: pauseCampaign(id: "${id}") ${selection} }`);
    expect(body.errors).toBeUndefined();
    type Result = { status: string; promotions: { active: boolean; product: { promotions: { campaign: { id: string } }[] } }[] };
    const campaignsActiveOnProducts = (result: Result) =>
      new Set(result.promotions.flatMap((p) => p.product.promotions.map((q) => q.campaign.id)));
    const { launched, paused } = body.data! as { launched: Result; paused: Result };
    expect(launched.status).toBe('ACTIVE');
    expect(launched.promotions.every((p) => p.active)).toBe(true);
    expect(campaignsActiveOnProducts(launched).has(id)).toBe(true);
    expect(paused.status).toBe('PAUSED');
    expect(paused.promotions.some((p) => p.active)).toBe(false);
    expect(campaignsActiveOnProducts(paused).has(id)).toBe(false);
  });

  it('records marketing consent and serves it to the next reader', async () => {
    const { body } = await query(
      `mutation { setMarketingConsent(customerId: "77", consents: [{ channel: POST, granted: true }, { channel: SMS, granted: false }]) {
         id marketingConsent { channels { channel granted updatedAt } updatedAt } } }`,
    );
    expect(body.errors).toBeUndefined();
    const consent = body.data!.setMarketingConsent.marketingConsent;
    expect(body.data!.setMarketingConsent.id).toBe('77');
    expect(consent.channels.map((c: { channel: string }) => c.channel)).toEqual([...CONSENT_CHANNELS]);
    expect(consent.channels[3]).toMatchObject({ channel: 'POST', granted: true, updatedAt: expect.any(String) });
    expect(consent.channels[1]).toMatchObject({ channel: 'SMS', granted: false });
    const { body: read } = await entities([{ __typename: 'Customer', id: '77' }], '... on Customer { marketingConsent { grantedChannels updatedAt } }');
    expect(read.data!._entities[0].marketingConsent).toEqual({
      grantedChannels: consent.channels.filter((c: { granted: boolean }) => c.granted).map((c: { channel: string }) => c.channel),
      updatedAt: consent.updatedAt,
    });
    expect(read.data!._entities[0].marketingConsent.grantedChannels).toContain('POST');
  });

  // The N+1 guard: the statement count of one request must not grow with the number of items.
  const representations = (n: number, typename: string, id: (i: number) => number) =>
    `[${Array.from({ length: n }, (_, i) => `{ __typename: "${typename}", id: "${id(i)}" }`).join(', ')}]`;
  it.each([
    [
      'campaign lists',
      (n: number) =>
        `{ campaigns(limit: ${n}) { id segments { name size } promotions { discountPercent campaign { name } product { id campaigns { id } promotions(activeOnly: true) { id } } } } }`,
    ],
    [
      'product references',
      (n: number) =>
        `{ _entities(representations: ${representations(n, 'Product', (i) => i + 1)}) { ... on Product { promotions { discountPercent campaign { name segments { size } } } campaigns { status } } } }`,
    ],
    [
      'customer references',
      (n: number) =>
        `{ _entities(representations: ${representations(n, 'Customer', (i) => i + 1)}) { ... on Customer { segments { name size } marketingConsent { grantedChannels updatedAt } } } }`,
    ],
    [
      'references to campaigns, promotions and segments',
      (n: number) =>
        `{ _entities(representations: [${[
          representations(n, 'Campaign', (i) => (i % 50) + 1),
          representations(n, 'Promotion', (i) => i + 1),
          representations(n, 'Segment', (i) => (i % 12) + 1),
        ]
          .map((list) => list.slice(1, -1))
          .join(', ')}]) { ... on Campaign { name promotions { id } } ... on Promotion { discountPercent product { id } } ... on Segment { name size } } }`,
    ],
  ])('runs a constant number of SQL statements for %s of any length', async (_name, build) => {
    const counts = await statementCounts(service, (n) => query(build(n)));
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
  });
});
