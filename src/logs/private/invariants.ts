import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { addInvariantValidation, retentionInvariants } from '../../private/invariants';

/** What an `EncryptedLogGroup` set on its log group, for the synth-time check of its invariants. */
export interface LogGroupInvariants {
  readonly logGroup: logs.LogGroup;
  readonly key: kms.IKey;
  readonly retention: logs.RetentionDays;
  /** The `removalPolicy` prop as given. */
  readonly removalPolicy?: RemovalPolicy;
}

/** Fails synthesis when the log group, as synthesized, has another key, retention period or removal policy. */
export function addLogGroupInvariantValidation(expected: LogGroupInvariants): void {
  const { logGroup } = expected;
  addInvariantValidation(logGroup, 'EncryptedLogGroup', logGroup.node.defaultChild as logs.CfnLogGroup, () => [
    { name: 'its encryption key', path: 'Properties.KmsKeyId', expected: Stack.of(logGroup).resolve(expected.key.keyArn), prop: 'encryptionKey' },
    {
      name: 'its retention period',
      path: 'Properties.RetentionInDays',
      // CloudWatch Logs keeps events forever when no retention is set.
      // A token (a CfnParameter's valueAsNumber) is compared as what it resolves to.
      expected: expected.retention === logs.RetentionDays.INFINITE ? undefined : Stack.of(logGroup).resolve(expected.retention),
      prop: 'retention',
      fix: 'to keep events longer or shorter, pass `retention` to the EncryptedLogGroup itself',
    },
    ...retentionInvariants('EncryptedLogGroup', expected.removalPolicy),
  ]);
}
