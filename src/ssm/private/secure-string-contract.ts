/**
 * The contract between `SecureStringParameter` (synth time) and its custom resource handler (deploy
 * time). This module has no imports, so the handler bundle does not pull in aws-cdk-lib.
 * CloudFormation passes every property value to the handler as a string.
 */

/** The custom resource type in the template. */
export const RESOURCE_TYPE = 'Custom::SecureStringParameter';

/** How the handler obtains the value. */
export enum ValueKind {
  GENERATED = 'generated',
  SECRET = 'secret',
  PLAIN_TEXT = 'plainText',
}

/** The value source as the template carries it: never a value, except for `plainText`. */
export interface ValueSourceProperties {
  readonly Kind: ValueKind;
  /** `generated`: how many characters. */
  readonly Length?: string;
  /** `generated`: characters the value must not contain. */
  readonly ExcludeCharacters?: string;
  /** `secret`: the secret's ARN or name. */
  readonly SecretId?: string;
  /** `secret`: a top-level field of a JSON secret; the whole secret string when absent. */
  readonly JsonField?: string;
  /** `plainText`: the value itself, in the template. */
  readonly PlainText?: string;
}

/** A tag as PutParameter and CloudFormation write it. */
export interface TagProperty {
  readonly Key: string;
  readonly Value: string;
}

/** The custom resource's properties. */
export interface SecureStringProperties {
  readonly Name: string;
  /** The ARN of the KMS key. */
  readonly KeyId: string;
  readonly Tier: string;
  readonly Value: ValueSourceProperties;
  /** `true` when the parameter is kept when the resource leaves the stack. */
  readonly Retain: string;
  readonly Description?: string;
  readonly AllowedPattern?: string;
  /** The parameter policies as the JSON array PutParameter takes. */
  readonly Policies?: string;
  readonly Tags?: TagProperty[];
}

/**
 * Tags the handler writes on every parameter it creates, recording which stack and which resource of it
 * created the parameter. A Create that finds the name taken adopts the parameter only when both match
 * (a retried or duplicated Create, or a rollback to a name the stack still holds); Update and Delete
 * leave a parameter tagged for another stack alone. Values are CloudFormation's `StackId` (at most 227
 * characters) and logical id (at most 255), within the 256 a tag value may have, and IAM policies can
 * name them (`aws:ResourceTag/<key>` equal to `${AWS::StackId}`).
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/tagging-parameters.html
 */
export const OWNER_TAG_KEYS = {
  stackId: 'cdk-kms-encryption:stack-id',
  logicalId: 'cdk-kms-encryption:logical-id',
} as const;

/**
 * Generated values: characters from printable ASCII without the space, as many as Secrets Manager's
 * GetRandomPassword accepts, which also fits the 4 KB value limit of the standard tier.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html
 */
export const GENERATED_LENGTH = { min: 1, max: 4096, default: 32 };

/** The characters a generated value is drawn from, without the excluded ones. */
export function generatorAlphabet(excludeCharacters: string): string {
  let alphabet = '';
  for (let code = 0x21; code <= 0x7e; code++) {
    const character = String.fromCharCode(code);
    if (!excludeCharacters.includes(character)) {
      alphabet += character;
    }
  }
  return alphabet;
}
