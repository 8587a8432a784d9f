import { estimateCost } from '../../src/cost';
import { KeyConfiguration, KeyEntry } from '../../src/model';

function key(id: string, configuration: KeyConfiguration, origin: KeyEntry['origin'] = 'created'): KeyEntry {
  return { id, origin, label: id, aliases: [], configuration, encrypts: [], access: [], unknowns: [] };
}

test('each created key costs $1 a month, and a rotating key $2 more once it has rotated twice', () => {
  const cost = estimateCost([
    key('S/Rotating', { rotation: { enabled: true, periodDays: 90 } }),
    key('S/Replica', { multiRegion: true, rotation: { enabled: true, periodDays: 365 } }),
    key('S/Imported', { origin: 'EXTERNAL', rotation: { enabled: false } }),
    key('arn:aws:kms:eu-west-1:111111111111:key/other', {}, 'referenced'),
  ]);
  expect(cost).toMatchObject({
    estimate: true,
    currency: 'USD',
    monthlyUsd: 3 + 4,
    lines: [
      { item: 'Customer managed key', keys: ['S/Imported', 'S/Replica', 'S/Rotating'], quantity: 3, unitUsd: 1, monthlyUsd: 3 },
      { keys: ['S/Replica', 'S/Rotating'], quantity: 4, unitUsd: 1, monthlyUsd: 4 },
    ],
    pricing: { url: 'https://aws.amazon.com/kms/pricing/', readOn: '2026-12-07' },
  });
  expect(cost.notes).toContainEqual(expect.stringContaining('Keys with key material from outside KMS (S/Imported)'));
  expect(cost.notes).toContainEqual(expect.stringContaining('Requests are not included'));
});

test('a key whose rotation is only known at deploy time gets no surcharge, and a note', () => {
  const cost = estimateCost([key('S/Key', {})]);
  expect(cost.monthlyUsd).toBe(1);
  expect(cost.notes).toContainEqual('Whether S/Key rotate is only known at deploy time: no surcharge is included for them.');
});

test('an app without keys costs nothing', () => {
  expect(estimateCost([])).toMatchObject({ monthlyUsd: 0, lines: [] });
});
