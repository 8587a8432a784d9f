import * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Problem with a key given to a construct that needs symmetric encryption (S3, CloudWatch Logs, SSM,
 * Secrets Manager). Only keys defined in this app can be checked; imported keys are trusted.
 */
export function symmetricKeyProblem(prop: string, key: kms.IKey): string | undefined {
  const spec = keySpecOf(key);
  if (spec === undefined || spec === kms.KeySpec.SYMMETRIC_DEFAULT) {
    return undefined;
  }
  return `\`${prop}\` must be a symmetric encryption key (SYMMETRIC_DEFAULT), got a ${spec} key. Use a CustomerManagedKey with the default keySpec.`;
}

/** The key spec of a key defined in this app, or undefined for an imported key. */
export function keySpecOf(key: kms.IKey): string | undefined {
  const resource = key.node.defaultChild;
  if (!(resource instanceof kms.CfnKey)) {
    return undefined;
  }
  return resource.keySpec ?? kms.KeySpec.SYMMETRIC_DEFAULT;
}
