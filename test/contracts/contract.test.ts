import { readFileSync } from 'fs';
import * as path from 'path';
import { ValidationError } from 'aws-cdk-lib';
import { BaseApi, installedAwsCdkLib, readBaseApis } from './base-api';
import { CONTRACTS, Contract, SubclassContract } from './contracts';
import { testApp, testStack } from '../util/app';

/*
 * Everything the aws-cdk-lib base classes do, the library's subclasses do too, with a difference the README
 * states, or refuse by name (issue 26). The members and props come from the installed aws-cdk-lib's
 * declarations: the main project runs this against 2.276.0, the floor project against 2.269.0.
 */

jest.setTimeout(120_000);

const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const { version } = installedAwsCdkLib();
let apis: BaseApi[];

beforeAll(() => {
  apis = readBaseApis(CONTRACTS.map((contract) => contract.base));
});

/** The rows of one kind, for test.each (which needs at least one). */
function rows(table: Record<string, Contract>, kind: Contract['kind']): Array<[string, Contract]> {
  const found = Object.entries(table).filter(([, contract]) => contract.kind === kind);
  return found.length > 0 ? found : [['(none)', { kind }]];
}

describe.each(CONTRACTS.map((contract, index) => [contract.base.className, contract, index] as [string, SubclassContract, number]))(
  `%s (aws-cdk-lib ${version})`, (_name, contract, index) => {
    test('every public member and prop of the base class has a row, and every row is one of them', () => {
      const api = apis[index];
      expect({
        unclassifiedMembers: api.members.filter((name) => !(name in contract.members)),
        unclassifiedProps: api.props.filter((name) => !(name in contract.props)),
        staleMembers: Object.keys(contract.members).filter((name) => !api.members.includes(name)),
        staleProps: Object.keys(contract.props).filter((name) => !api.props.includes(name)),
      }).toEqual({ unclassifiedMembers: [], unclassifiedProps: [], staleMembers: [], staleProps: [] });
    });

    test.each(rows(contract.members, 'same'))('member %s is the base class\'s own', (name) => {
      const ours = contract.defineOurs(testStack(), {}).constructor.prototype;
      expect(Object.prototype.hasOwnProperty.call(ours, name)).toBe(false);
    });

    test.each([...rows(contract.members, 'documented'), ...rows(contract.props, 'documented')])('%s: the README states the difference', (_member, row) => {
      if (row.readme !== undefined) {
        expect(README).toContain(row.readme);
      }
    });

    test.each(rows(contract.members, 'refused'))('member %s fails, naming itself', (name, row) => {
      if (row.call) {
        const subject = contract.defineOurs(testStack(), {});
        expect(() => row.call!(subject)).toThrow(ValidationError);
        expect(() => row.call!(subject)).toThrow(`\`${name}\``);
      }
    });

    test.each(rows(contract.props, 'refused'))('prop %s fails, naming itself', (name, row) => {
      if (row.sample) {
        const stack = testStack();
        expect(() => contract.defineOurs(stack, row.sample!(stack))).toThrow(ValidationError);
        expect(() => contract.defineOurs(testStack(), row.sample!(testStack()))).toThrow(`\`${name}\` is not available on`);
      }
    });

    test.each(rows(contract.props, 'same'))('prop %s synthesizes as in the base class', (name, row) => {
      if (!row.sample) {
        return;
      }
      // One synthesis per row: both classes in one app.
      const app = testApp();
      const base = testStack('Base', {}, app);
      const ours = testStack('Ours', {}, app);
      contract.defineBase(base, row.sample(base));
      contract.defineOurs(ours, row.sample(ours));
      const assembly = app.synth();
      const [expected, actual] = ['Base', 'Ours'].map((stack) => row.compare!(assembly.getStackByName(stack).template));
      expect(JSON.stringify(actual)).not.toMatch(/^(\[null(,null)*\]|null|\[\])?$/); // the sample set something
      expect({ [name]: actual }).toEqual({ [name]: expected });
    });
  });

test('the declarations read are those of a supported aws-cdk-lib (2.276.0, or the 2.269.0 floor)', () => {
  expect(version).toMatch(/^2\.(276|269)\.0$/);
});
