import { SynthesizedApp, TemplateResource } from './assembly';
import { customerManagedKeyResult } from './cmk-rules';
import { RuleResult, violation } from './result';

const FIX = 'Set `encryption: StreamEncryption.customerManagedKey(key)` with a CustomerManagedKey.';

/**
 * A delivery stream that reads a Kinesis stream takes that stream's encryption (judged by
 * `KinesisStreamKmsCmk`); CloudFormation refuses server-side encryption settings on it.
 *
 * | source | `DeliveryStreamEncryptionConfigurationInput` | result |
 * |---|---|---|
 * | a Kinesis stream (`KinesisStreamSourceConfiguration`) | - | pass: judged by the stream |
 * | Direct PUT | absent | violation: not encrypted at rest with a KMS key |
 * | Direct PUT | `KeyType` `AWS_OWNED_CMK` | violation |
 * | Direct PUT | `KeyType` `CUSTOMER_MANAGED_CMK`, `KeyARN` | as `customerManagedKeyResult` |
 *
 * @see https://docs.aws.amazon.com/firehose/latest/dev/encryption.html
 */
export function firehoseKmsCmk(stream: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  if (stream.properties.KinesisStreamSourceConfiguration !== undefined) {
    return undefined;
  }
  const encryption = stream.properties.DeliveryStreamEncryptionConfigurationInput;
  if (encryption === undefined || encryption.KeyType === 'AWS_OWNED_CMK') {
    return violation(`The delivery stream is not encrypted with a customer-managed key: ${encryption === undefined ? 'it has no server-side encryption' : 'Firehose uses a key AWS owns'}. ${FIX}`);
  }
  return customerManagedKeyResult(app, stream, encryption.KeyARN, {
    resource: 'delivery stream', property: 'DeliveryStreamEncryptionConfigurationInput.KeyARN', withoutKey: 'Firehose uses a key AWS owns', fix: FIX,
  });
}
