import { DEMO_EPOCH, DEMO_SIZES } from '../../../shared/demo/random.js';
import { marketingDemoData } from '../db/seed.js';
import { toMarketingConsent } from '../src/resolvers.js';
import { marketing } from '../src/server.js';
import { createMarketingStore, type CampaignStatus, type ConsentChannel, type MarketingStore } from '../src/store.js';
import { openTestDatabase, testBackends, type TestDatabase } from '../../../test/support/databases.js';

describe('marketing demo data', () => {
  it('is the same on every run', () => {
    expect(marketingDemoData()).toEqual(marketingDemoData());
  });
});

describe('toMarketingConsent', () => {
  const at = (day: number) => new Date(Date.UTC(2026, 0, day));
  it.each([
    [
      'a customer who never answered refuses every channel',
      [],
      { grantedChannels: [], updatedAt: null, sms: { channel: 'SMS', granted: false, updatedAt: null } },
    ],
    [
      'answered channels keep their choice and time; the latest time is the consent\'s',
      [
        { customerId: 1, channel: 'POST' as const, granted: true, updatedAt: at(3) },
        { customerId: 1, channel: 'SMS' as const, granted: false, updatedAt: at(9) },
        { customerId: 1, channel: 'EMAIL' as const, granted: true, updatedAt: at(1) },
      ],
      { grantedChannels: ['EMAIL', 'POST'], updatedAt: at(9), sms: { channel: 'SMS', granted: false, updatedAt: at(9) } },
    ],
  ])('%s', (_name, rows, expected) => {
    const consent = toMarketingConsent(rows);
    expect(consent.channels.map((c) => c.channel)).toEqual(['EMAIL', 'SMS', 'PHONE', 'POST']);
    expect(consent.channels[1]).toEqual(expected.sms);
    expect(consent.grantedChannels).toEqual(expected.grantedChannels);
    expect(consent.updatedAt).toEqual(expected.updatedAt);
  });
});

// The same SQL must behave the same on embedded PGlite and on a PostgreSQL server.
describe.each(testBackends())('marketing store on %s', (backend) => {
  let database: TestDatabase;
  let store: MarketingStore;
  const count = async (sql: string, params: unknown[] = []) => (await database.db.query<{ n: number }>(sql, params))[0].n;
  const idsWithStatus = async (status: CampaignStatus) =>
    (await store.listCampaigns({ limit: 100, offset: 0, status })).map((c) => c.id).sort((a, b) => a - b);

  beforeAll(async () => {
    database = await openTestDatabase(marketing, backend);
    store = createMarketingStore(database.db);
  });
  afterAll(() => database?.dispose());

  it('holds the demo data set at the sizes every domain relies on', async () => {
    expect(await count('SELECT count(*)::int AS n FROM campaigns')).toBe(DEMO_SIZES.campaigns);
    expect(await count('SELECT count(*)::int AS n FROM promotions')).toBe(DEMO_SIZES.promotions);
    expect(await count('SELECT count(*)::int AS n FROM segments')).toBe(DEMO_SIZES.segments);
    // Most products are promoted, so a cross-domain query over any products finds promotions.
    expect(await count('SELECT count(DISTINCT product_id)::int AS n FROM promotions')).toBeGreaterThan(800);
    expect(await count('SELECT count(*)::int AS n FROM promotions WHERE product_id NOT BETWEEN 1 AND $1', [DEMO_SIZES.products])).toBe(0);
    for (const table of ['segment_members', 'marketing_consents']) {
      expect(await count(`SELECT count(DISTINCT customer_id)::int AS n FROM ${table}`)).toBeGreaterThan(DEMO_SIZES.customers * 0.8);
      expect(await count(`SELECT count(*)::int AS n FROM ${table} WHERE customer_id NOT BETWEEN 1 AND $1`, [DEMO_SIZES.customers])).toBe(0);
    }
    expect(await count('SELECT count(*)::int AS n FROM campaigns c WHERE NOT EXISTS (SELECT 1 FROM campaign_segments t WHERE t.campaign_id = c.id)')).toBe(0);
  });

  it.each([
    ['ENDED', 20, 'ended before', (c: { startsAt: Date; endsAt: Date | null }) => c.endsAt !== null && c.endsAt < DEMO_EPOCH],
    ['ACTIVE', 15, 'started before', (c: { startsAt: Date }) => c.startsAt < DEMO_EPOCH],
    ['PAUSED', 5, 'started before', (c: { startsAt: Date }) => c.startsAt < DEMO_EPOCH],
    ['SCHEDULED', 5, 'start after', (c: { startsAt: Date }) => c.startsAt > DEMO_EPOCH],
    ['DRAFT', 5, 'start after', (c: { startsAt: Date }) => c.startsAt > DEMO_EPOCH],
  ] as const)('has %s demo campaigns (%i), all of which %s the demo epoch', async (status, expected, _what, fits) => {
    const campaigns = await store.listCampaigns({ limit: 100, offset: 0, status });
    expect(campaigns).toHaveLength(expected);
    expect(campaigns.every(fits)).toBe(true);
  });

  it('returns instants as Dates and money as numbers on every backend', async () => {
    const [campaign] = await store.campaignsByIds([1]);
    expect(campaign).toEqual({
      id: 1,
      name: expect.any(String),
      channel: expect.any(String),
      status: 'ENDED',
      startsAt: expect.any(Date),
      endsAt: expect.any(Date),
      budget: expect.any(Number),
    });
    const [promotion] = await store.promotionsByIds([1]);
    expect(promotion).toEqual({ id: 1, productId: expect.any(Number), campaignId: 1, discountPercent: expect.any(Number), active: false });
    const [size] = await store.segmentSizes([1]);
    expect(size).toEqual({ id: 1, size: expect.any(Number) });
  });

  it.each([
    { limit: 100, offset: 0 },
    { limit: 5, offset: 0 },
    { limit: 10, offset: 45 },
    { limit: 100, offset: 0, status: 'PAUSED' as const },
    { limit: 100, offset: 0, channel: 'EMAIL' as const },
    { limit: 100, offset: 0, status: 'ENDED' as const, channel: 'TV' as const },
  ])('lists campaigns %j, latest start first, matching the filter', async (filter) => {
    const campaigns = await store.listCampaigns(filter);
    const where = [filter.status && `status = '${filter.status}'`, filter.channel && `channel = '${filter.channel}'`].filter(Boolean);
    const matching = await count(`SELECT count(*)::int AS n FROM campaigns ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`);
    expect(matching).toBeGreaterThan(0);
    expect(campaigns).toHaveLength(Math.min(filter.limit, matching - filter.offset));
    expect(campaigns.every((c) => (filter.status ?? c.status) === c.status && (filter.channel ?? c.channel) === c.channel)).toBe(true);
    const starts = campaigns.map((c) => c.startsAt.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  it('pages campaigns without gaps or repeats', async () => {
    const all = (await store.listCampaigns({ limit: 100, offset: 0 })).map((c) => c.id);
    const pages = [0, 20, 40].map((offset) => store.listCampaigns({ limit: 20, offset }));
    expect((await Promise.all(pages)).flat().map((c) => c.id)).toEqual(all);
  });

  it('lists each product\'s promotions best discount first, active exactly while the campaign is ACTIVE', async () => {
    const productIds = Array.from({ length: 40 }, (_, i) => i + 1);
    const promotions = await store.promotionsByProductIds(productIds, false);
    expect(new Set(promotions.map((p) => p.productId)).size).toBeGreaterThan(30);
    const campaigns = new Map((await store.campaignsByIds([...new Set(promotions.map((p) => p.campaignId))])).map((c) => [c.id, c]));
    for (const promotion of promotions) expect(promotion.active).toBe(campaigns.get(promotion.campaignId)!.status === 'ACTIVE');
    const order = promotions.map((p) => [p.productId, -p.discountPercent, p.id]);
    expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]));
    const active = await store.promotionsByProductIds(productIds, true);
    expect(active.length).toBeGreaterThan(0);
    expect(active).toEqual(promotions.filter((p) => p.active));
  });

  it('lists the distinct campaigns promoting each product, and none for a product never promoted', async () => {
    const promotions = await store.promotionsByProductIds([1, 2, 3, 999_999], false);
    const campaigns = await store.campaignsByProductIds([1, 2, 3, 999_999]);
    for (const productId of [1, 2, 3]) {
      const expected = new Set(promotions.filter((p) => p.productId === productId).map((p) => p.campaignId));
      const mine = campaigns.filter((c) => c.productId === productId).map((c) => c.id);
      expect(mine.length).toBe(expected.size);
      expect(new Set(mine)).toEqual(expected);
    }
    expect(campaigns.some((c) => c.productId === 999_999)).toBe(false);
  });

  it('counts segment members and finds segments by campaign and by customer', async () => {
    const segments = await store.listSegments();
    expect(segments.map((s) => s.id)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const sizes = await store.segmentSizes(segments.map((s) => s.id));
    for (const { id, size } of sizes) {
      expect(size).toBe(await count('SELECT count(*)::int AS n FROM segment_members WHERE segment_id = $1', [id]));
    }
    const ofCustomers = await store.segmentsByCustomerIds([1, 2, 999_999]);
    expect(ofCustomers.some((s) => s.customerId === 999_999)).toBe(false);
    expect(ofCustomers.filter((s) => s.customerId === 1).map((s) => s.id)).toEqual(
      (await database.db.query<{ id: number }>('SELECT segment_id AS id FROM segment_members WHERE customer_id = 1 ORDER BY 1')).map((r) => r.id),
    );
    const ofCampaigns = await store.segmentsByCampaignIds([1, 2]);
    expect(ofCampaigns.filter((s) => s.campaignId === 1).length).toBeGreaterThanOrEqual(1);
  });

  it('returns consent rows only for the channels a customer answered', async () => {
    const rows = await store.consentsByCustomerIds([1, 2, 3, 999_999]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.customerId !== 999_999 && r.updatedAt instanceof Date && typeof r.granted === 'boolean')).toBe(true);
  });

  describe('changing a campaign\'s status', () => {
    it('launches a draft now, pauses it, and resumes it without moving its start again', async () => {
      const [id] = await idsWithStatus('DRAFT');
      // Demo dates follow DEMO_EPOCH, not the clock: give the draft no end so it may launch whenever the test runs.
      await database.db.query('UPDATE campaigns SET ends_at = NULL WHERE id = $1', [id]);
      const launched = await store.changeCampaignStatus(id, 'launch');
      expect(launched).toMatchObject({ ok: true, campaign: { id, status: 'ACTIVE' } });
      const startedAt = launched.ok ? launched.campaign.startsAt : null;
      expect(startedAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await store.changeCampaignStatus(id, 'pause')).toMatchObject({ ok: true, campaign: { status: 'PAUSED', startsAt: startedAt } });
      expect(await store.changeCampaignStatus(id, 'launch')).toMatchObject({ ok: true, campaign: { status: 'ACTIVE', startsAt: startedAt } });
      expect((await store.promotionsByCampaignIds([id])).every((p) => p.active)).toBe(true);
    });

    it.each([
      ['launch', 'ENDED', { refusal: 'wrong-status', status: 'ENDED' }],
      ['pause', 'SCHEDULED', { refusal: 'wrong-status', status: 'SCHEDULED' }],
      ['pause', 'PAUSED', { refusal: 'wrong-status', status: 'PAUSED' }],
    ] as const)('refuses to %s a campaign that is %s, and changes nothing', async (action, status, refusal) => {
      const [id] = await idsWithStatus(status);
      const before = await store.campaignsByIds([id]);
      expect(await store.changeCampaignStatus(id, action)).toEqual({ ok: false, ...refusal });
      expect(await store.campaignsByIds([id])).toEqual(before);
    });

    it('refuses an unknown campaign', async () => {
      expect(await store.changeCampaignStatus(999_999, 'launch')).toEqual({ ok: false, refusal: 'unknown-campaign' });
    });

    it('refuses to launch a campaign whose end has passed', async () => {
      const ids = await idsWithStatus('PAUSED');
      const id = ids[ids.length - 1];
      const [{ endsAt }] = await database.db.query<{ endsAt: Date }>(
        `UPDATE campaigns SET starts_at = now() - interval '30 days', ends_at = now() - interval '1 day' WHERE id = $1 RETURNING ends_at AS "endsAt"`,
        [id],
      );
      expect(await store.changeCampaignStatus(id, 'launch')).toEqual({ ok: false, refusal: 'already-over', endsAt });
      expect((await store.campaignsByIds([id]))[0].status).toBe('PAUSED');
    });
  });

  describe('recording consent', () => {
    const customerId = 4242;
    const choices = async () => Object.fromEntries((await store.consentsByCustomerIds([customerId])).map((r) => [r.channel, r]));

    it('records several channels at once and keeps the time of a choice that did not change', async () => {
      const first = await store.setConsents(customerId, [
        { channel: 'EMAIL', granted: true },
        { channel: 'PHONE', granted: false },
      ]);
      expect(first.filter((r) => r.channel === 'EMAIL' || r.channel === 'PHONE')).toEqual([
        { customerId, channel: 'EMAIL', granted: true, updatedAt: expect.any(Date) },
        { customerId, channel: 'PHONE', granted: false, updatedAt: expect.any(Date) },
      ]);
      const before = await choices();
      const second = await store.setConsents(customerId, [
        { channel: 'EMAIL', granted: true },
        { channel: 'PHONE', granted: true },
      ]);
      const after = Object.fromEntries(second.map((r) => [r.channel, r]));
      expect(after.EMAIL).toEqual(before.EMAIL);
      expect(after.PHONE.granted).toBe(true);
      expect(after.PHONE.updatedAt.getTime()).toBeGreaterThanOrEqual(before.PHONE.updatedAt.getTime());
      expect(await choices()).toEqual(after);
    });

    it('records all choices or none', async () => {
      const before = await choices();
      // The type rules out an unknown channel; the database's CHECK must still refuse one, and take the valid choice with it.
      const unknown = 'FAX' as ConsentChannel;
      await expect(
        store.setConsents(customerId, [
          { channel: 'EMAIL', granted: !before.EMAIL?.granted },
          { channel: unknown, granted: true },
        ]),
      ).rejects.toThrow(/check constraint/);
      expect(await choices()).toEqual(before);
    });
  });
});
