import { SynthesizedApp, TemplateResource } from './assembly';
import { UNKNOWN, literalText } from './resolve';
import { RuleResult, notChecked, violation } from './result';

/**
 * The actions Security Hub's KMS.1 and KMS.2 block on all keys: decrypting, and re-encrypting from a key.
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-1
 */
const BLOCKED_ACTIONS = ['kms:Decrypt', 'kms:ReEncryptFrom'];

/** KMS.1 judges customer managed policies; KMS.2 inline policies (of roles, users and groups). */
const CONTROLS = {
  managed: 'Security Hub KMS.1 (https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-1)',
  inline: 'Security Hub KMS.2 (https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-2)',
};

/** Where each identity-policy resource type keeps its documents, and which control judges them. */
const POLICY_DOCUMENTS: Record<string, { control: keyof typeof CONTROLS; documents: (properties: Record<string, any>) => PolicyDocument[] }> = {
  'AWS::IAM::ManagedPolicy': { control: 'managed', documents: ownDocument },
  'AWS::IAM::Policy': { control: 'inline', documents: ownDocument },
  'AWS::IAM::RolePolicy': { control: 'inline', documents: ownDocument },
  'AWS::IAM::UserPolicy': { control: 'inline', documents: ownDocument },
  'AWS::IAM::GroupPolicy': { control: 'inline', documents: ownDocument },
  'AWS::IAM::Role': { control: 'inline', documents: inlinePolicies },
  'AWS::IAM::User': { control: 'inline', documents: inlinePolicies },
  'AWS::IAM::Group': { control: 'inline', documents: inlinePolicies },
};

/** A policy document, and the name of the inline policy that holds it (in a role's, user's or group's `Policies`). */
interface PolicyDocument {
  readonly inlinePolicy?: string;
  readonly document: any;
}

/** The identity-policy resource types the rule reads. */
export const IDENTITY_POLICY_TYPES = Object.keys(POLICY_DOCUMENTS);

/** Stands for a reference to a resource of the app: its ARN is a fixed value. */
const FIXED = 'fixed';

/**
 * No identity policy allows `kms:Decrypt` or `kms:ReEncryptFrom` on all KMS keys, with the logic of the
 * AWS Config rules behind Security Hub KMS.1 and KMS.2: an action pattern that covers a blocked action
 * (`kms:Decrypt*`, `kms:*`, `*`, or a `NotAction` that leaves it) on a resource that is not a fixed value
 * (any wildcard or policy variable: `*`, `…:key/*`) is "all keys", and conditions are not read, as AWS
 * does not read them.
 *
 * | statement | result |
 * |---|---|
 * | `Allow`, a blocked action (or a pattern or `NotAction` covering it), a `Resource` with `*`, `?` or `${…}`, or a `NotResource` | violation, whatever its `Condition` |
 * | the same on key ARNs only (literal, or references to keys of the app) | pass |
 * | no blocked action, or `Deny` | pass |
 * | a blocked action on a resource only known at deploy time (a parameter, an import) | could not be checked |
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/iam-customer-policy-blocked-kms-actions.html
 * @see https://docs.aws.amazon.com/config/latest/developerguide/iam-inline-policy-blocked-kms-actions.html
 */
export function iamPolicyKmsDecryptAllKeys(resource: TemplateResource, app: SynthesizedApp): RuleResult | undefined {
  const { control, documents } = POLICY_DOCUMENTS[resource.type];
  const judged = documents(resource.properties).flatMap(({ inlinePolicy, document }) => [document?.Statement ?? []].flat()
    .map((statement, index) => judgeStatement(statement, statementName(statement, index, inlinePolicy), resource, app)));
  const allKeys = judged.filter((problem): problem is string => problem !== undefined && problem !== UNKNOWN);
  if (allKeys.length > 0) {
    return violation(
      `${allKeys.join(' ')} ${CONTROLS[control]} fails on this policy, whatever its conditions. Grant on the keys instead (\`key.grantDecrypt(principal)\` and the other grant* methods), or name key ARNs in \`resources\`.`,
    );
  }
  return judged.includes(UNKNOWN) ? notChecked('a resource of a statement that allows kms:Decrypt or kms:ReEncryptFrom') : undefined;
}

function ownDocument(properties: Record<string, any>): PolicyDocument[] {
  return [{ document: properties.PolicyDocument }];
}

/** Inline `Policies` of a role, user or group. */
function inlinePolicies(properties: Record<string, any>): PolicyDocument[] {
  return [properties.Policies ?? []].flat().map((policy: any) => ({ inlinePolicy: String(policy?.PolicyName), document: policy?.PolicyDocument }));
}

/** `Statement 'Sid'`, or `Statement 2` (counted from 1) when it has no Sid, and the inline policy it is in. */
function statementName(statement: any, index: number, inlinePolicy: string | undefined): string {
  const name = typeof statement?.Sid === 'string' && statement.Sid.length > 0 ? `Statement '${statement.Sid}'` : `Statement ${index + 1}`;
  return inlinePolicy === undefined ? name : `${name} of inline policy '${inlinePolicy}'`;
}

/** What a statement allows on all keys, as a sentence; UNKNOWN when its resources are only known at deploy time. */
function judgeStatement(statement: any, name: string, resource: TemplateResource, app: SynthesizedApp): string | undefined {
  if (statement?.Effect !== 'Allow') {
    return undefined;
  }
  const blocked = BLOCKED_ACTIONS.filter((action) => statement.Action !== undefined
    ? patterns(statement.Action).some((pattern) => pattern.test(action))
    : !patterns(statement.NotAction).some((pattern) => pattern.test(action)));
  if (blocked.length === 0) {
    return undefined;
  }
  if (statement.NotResource !== undefined) {
    return `${name} allows ${blocked.join(' and ')} on every resource but those of its NotResource.`;
  }
  const texts = [statement.Resource].flat().map((value) => literalText(app, { stack: resource.stack, value }, () => FIXED));
  const allKeys = texts.find(isNotFixed);
  if (allKeys !== undefined) {
    return `${name} allows ${blocked.join(' and ')} on all KMS keys ('${allKeys}').`;
  }
  return texts.some((text) => text.includes(UNKNOWN)) ? UNKNOWN : undefined;
}

/** A resource with a wildcard or a policy variable (pseudo parameters such as `${AWS::Region}` are fixed values). */
function isNotFixed(text: string): boolean {
  return /[*?]/.test(text) || text.replace(/\$\{AWS::[A-Za-z]+\}/g, '').includes('${');
}

/** IAM action patterns as case-insensitive regular expressions (`*` any characters, `?` one). */
function patterns(actions: unknown): RegExp[] {
  return [actions ?? []].flat().filter((action): action is string => typeof action === 'string')
    .map((action) => new RegExp(`^${action.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i'));
}
