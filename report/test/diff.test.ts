import { diffReports, hasGainedAccess } from '../src/diff';
import { STACK, access, key, report, resource, role } from './fixtures/cli/reports';

const BUCKET = resource('DataBucket', 'AWS::S3::Bucket');
const ARCHIVE = resource('ArchiveBucket', 'AWS::S3::Bucket');
const READER = role('ReaderRole');
const WRITER = role('WriterRole');
const THROUGH_S3 = 'only through S3 in eu-west-1';

const EMPTY = { gained: [], lost: [], keysAdded: [], keysRemoved: [], dataChanged: [] };

test('the same report twice: nothing changed', () => {
  // GIVEN
  const app = report('v1.out', [key('DataKey', [BUCKET], [access(READER, 'decrypt', [THROUGH_S3])])]);

  // WHEN
  const diff = diffReports(app, report('v2.out', [key('DataKey', [BUCKET], [access(READER, 'decrypt', [THROUGH_S3])])]));

  // THEN
  expect(diff).toEqual({ schemaVersion: 1, old: 'v1.out', new: 'v2.out', ...EMPTY });
  expect(hasGainedAccess(diff)).toBe(false);
});

test('a new grant is gained with the key\'s data, a removed one lost, nothing else', () => {
  // GIVEN
  const older = report('v1.out', [key('DataKey', [BUCKET], [access(READER, 'decrypt', [THROUGH_S3]), access(WRITER, 'encrypt', [THROUGH_S3])])]);
  const newer = report('v2.out', [key('DataKey', [BUCKET], [access(READER, 'decrypt', [THROUGH_S3]), access(WRITER, 'decrypt', [THROUGH_S3])])]);

  // WHEN
  const diff = diffReports(older, newer);

  // THEN
  const dataKey = { id: `${STACK}/DataKey`, label: `${STACK}/DataKey` };
  expect(diff).toMatchObject({
    gained: [{ key: dataKey, principal: WRITER, capability: 'decrypt', conditions: [THROUGH_S3], data: [BUCKET] }],
    lost: [{ key: dataKey, principal: WRITER, capability: 'encrypt', conditions: [THROUGH_S3], data: [BUCKET] }],
    keysAdded: [],
    keysRemoved: [],
    dataChanged: [],
  });
  expect(hasGainedAccess(diff)).toBe(true);
});

test('a grant widened from "only through S3" to direct use is gained, and the narrower one is not reported lost', () => {
  // GIVEN
  const older = report('v1.out', [key('DataKey', [BUCKET], [access(READER, 'decrypt', [THROUGH_S3])])]);
  const newer = report('v2.out', [key('DataKey', [BUCKET], [access(READER, 'decrypt')])]);

  // WHEN
  const diff = diffReports(older, newer);

  // THEN
  expect(diff.gained).toEqual([expect.objectContaining({ principal: READER, capability: 'decrypt', conditions: [] })]);
  expect(diff.lost).toEqual([]);
});

test('a grant narrowed to "only through S3" is lost, not gained', () => {
  // GIVEN
  const older = report('v1.out', [key('DataKey', [BUCKET], [access(READER, 'decrypt')])]);
  const newer = report('v2.out', [key('DataKey', [BUCKET], [access(READER, 'decrypt', [THROUGH_S3])])]);

  // WHEN
  const diff = diffReports(older, newer);

  // THEN
  expect(diff.gained).toEqual([]);
  expect(diff.lost).toEqual([expect.objectContaining({ principal: READER, capability: 'decrypt', conditions: [] })]);
});

test('conditions replaced by others are both gained and lost', () => {
  // GIVEN
  const older = report('v1.out', [key('DataKey', [BUCKET], [access(READER, 'decrypt', [THROUGH_S3])])]);
  const newer = report('v2.out', [key('DataKey', [BUCKET], [access(READER, 'decrypt', ['only through SQS in eu-west-1'])])]);

  // WHEN
  const diff = diffReports(older, newer);

  // THEN
  expect(diff.gained.map((change) => change.conditions)).toEqual([['only through SQS in eu-west-1']]);
  expect(diff.lost.map((change) => change.conditions)).toEqual([[THROUGH_S3]]);
});

test('a new key brings its access as gained; a removed key\'s access is lost', () => {
  // GIVEN
  const older = report('v1.out', [key('OldKey', [ARCHIVE], [access(WRITER, 'encrypt')])]);
  const newer = report('v2.out', [key('NewKey', [BUCKET], [access(READER, 'decrypt')])]);

  // WHEN
  const diff = diffReports(older, newer);

  // THEN
  expect(diff).toMatchObject({
    gained: [{ key: { id: `${STACK}/NewKey` }, principal: READER, capability: 'decrypt', data: [BUCKET] }],
    lost: [{ key: { id: `${STACK}/OldKey` }, principal: WRITER, capability: 'encrypt', data: [ARCHIVE] }],
    keysAdded: [{ id: `${STACK}/NewKey`, label: `${STACK}/NewKey` }],
    keysRemoved: [{ id: `${STACK}/OldKey`, label: `${STACK}/OldKey` }],
    dataChanged: [
      { resource: ARCHIVE, oldKey: `${STACK}/OldKey` },
      { resource: BUCKET, newKey: `${STACK}/NewKey` },
    ],
  });
});

test('data that moved between keys is a data change; the keys\' principals keep their access', () => {
  // GIVEN
  const keyAccess = [access(READER, 'decrypt')];
  const older = report('v1.out', [key('KeyA', [BUCKET, ARCHIVE], keyAccess), key('KeyB', [], keyAccess)]);
  const newer = report('v2.out', [key('KeyA', [ARCHIVE], keyAccess), key('KeyB', [BUCKET], keyAccess)]);

  // WHEN
  const diff = diffReports(older, newer);

  // THEN
  expect(diff).toMatchObject({ ...EMPTY, dataChanged: [{ resource: BUCKET, oldKey: `${STACK}/KeyA`, newKey: `${STACK}/KeyB` }] });
});

test('changes come in a stable order, whatever the order of the reports', () => {
  // GIVEN
  const principals = [role('Zeta'), role('Alpha'), role('Mid')];
  const older = report('v1.out', [key('DataKey', [BUCKET], [])]);
  const forward = report('v2.out', [key('ZKey', [], principals.map((p) => access(p, 'decrypt'))), key('AKey', [], principals.map((p) => access(p, 'encrypt')))]);
  const backward = report('v2.out', [key('AKey', [], [...principals].reverse().map((p) => access(p, 'encrypt'))), key('ZKey', [], [...principals].reverse().map((p) => access(p, 'decrypt')))]);

  // WHEN
  const diffs = [diffReports(older, forward), diffReports(older, backward)];

  // THEN
  expect(diffs[0]).toEqual(diffs[1]);
  expect(diffs[0].gained.map((change) => `${change.key.id} ${change.principal.id}`)).toEqual([
    `${STACK}/AKey ${STACK}/Alpha`, `${STACK}/AKey ${STACK}/Mid`, `${STACK}/AKey ${STACK}/Zeta`,
    `${STACK}/ZKey ${STACK}/Alpha`, `${STACK}/ZKey ${STACK}/Mid`, `${STACK}/ZKey ${STACK}/Zeta`,
  ]);
});
