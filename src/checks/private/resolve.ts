import { Located, SynthesizedApp, TemplateResource } from './assembly';

/** Which kind of KMS key a key id, key ARN or alias in a resource's properties names. */
export enum KeyKind {
  /** No key: the service's default encryption (or none) applies. */
  NONE = 'NONE',
  /** An AWS managed key (`aws/s3`, `alias/aws/...`). */
  AWS_MANAGED = 'AWS_MANAGED',
  /** A key defined in this app, or a literal key id, key ARN or customer alias. */
  CUSTOMER_MANAGED = 'CUSTOMER_MANAGED',
  /** A parameter, an import from outside the app or another value only known at deploy time. */
  UNRESOLVED = 'UNRESOLVED',
}

/** Stands for the parts of a value only known at deploy time in {@link literalText}. */
export const UNKNOWN = '\u0000';

/** Resource types whose `Ref` or ARN names a customer-managed key; an alias cannot name an AWS managed key. */
const KEY_TYPES = ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey', 'AWS::KMS::Alias'];

/** `aws/s3`, `alias/aws/s3` or an alias ARN ending in `:alias/aws/s3`. */
const AWS_MANAGED_KEY_NAME = /^(alias\/)?aws\/|:alias\/aws\//;

/**
 * Follows a value across templates as far as the assembly tells: a nested stack's parameter to what
 * its parent passes, an `Fn::ImportValue` or `Fn::GetStackOutput` to the output of another stack of the app.
 */
export function follow(app: SynthesizedApp, located: Located): Located {
  const { stack, value } = located;
  const ref = (value as { Ref?: unknown } | null)?.Ref;
  if (typeof ref === 'string' && stack.parent && stack.template.Parameters?.[ref] !== undefined) {
    const passed = app.resource(stack.parent.stack, stack.parent.logicalId)?.properties.Parameters?.[ref];
    return passed === undefined ? located : follow(app, { stack: stack.parent.stack, value: passed });
  }
  const imported = (value as { 'Fn::ImportValue'?: unknown } | null)?.['Fn::ImportValue'];
  const output = (value as { 'Fn::GetStackOutput'?: { StackName?: unknown; OutputName?: unknown } } | null)?.['Fn::GetStackOutput'];
  const target = typeof imported === 'string' ? app.exported(imported)
    : typeof output?.StackName === 'string' && typeof output.OutputName === 'string' ? app.output(output.StackName, output.OutputName)
      : undefined;
  return target === undefined ? located : follow(app, target);
}

/** Every resource of the app a `Ref` or `Fn::GetAtt` anywhere in the value points at. */
export function referencedResources(app: SynthesizedApp, located: Located): TemplateResource[] {
  const { stack, value } = follow(app, located);
  if (Array.isArray(value)) {
    return value.flatMap((item) => referencedResources(app, { stack, value: item }));
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  const record = value as Record<string, unknown>;
  const getAtt = record['Fn::GetAtt'];
  const logicalId = typeof record.Ref === 'string' ? record.Ref : Array.isArray(getAtt) ? getAtt[0] : undefined;
  if (typeof logicalId === 'string') {
    const target = app.resource(stack, logicalId);
    return target ? [target] : [];
  }
  return Object.values(record).flatMap((item) => referencedResources(app, { stack, value: item }));
}

/** The text a reference to a resource stands for (`attribute` undefined for a `Ref`), or undefined when unknown. */
export type ReferenceText = (target: TemplateResource, attribute: string | undefined) => string | undefined;

/**
 * The text of a value: literal strings as they are, `Fn::Join` joined, pseudo parameters as
 * `${AWS::Partition}`, references as `referenceText` says, and every other intrinsic (a parameter,
 * an attribute, an import from outside the app) as {@link UNKNOWN}.
 */
export function literalText(app: SynthesizedApp, located: Located, referenceText?: ReferenceText): string {
  const { stack, value } = follow(app, located);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  const record = (value ?? {}) as Record<string, any>;
  if (typeof record.Ref === 'string' && record.Ref.startsWith('AWS::')) {
    return `\${${record.Ref}}`;
  }
  const join = record['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    return join[1].map((part: unknown) => literalText(app, { stack, value: part }, referenceText)).join(join[0]);
  }
  const getAtt = record['Fn::GetAtt'];
  const [logicalId, attribute] = typeof record.Ref === 'string' ? [record.Ref, undefined] : Array.isArray(getAtt) ? getAtt : [];
  const target = typeof logicalId === 'string' ? app.resource(stack, logicalId) : undefined;
  return (target && referenceText?.(target, attribute)) ?? UNKNOWN;
}

/**
 * Classifies the key a resource property names. A reference to a key (or an alias of a key) defined
 * anywhere in the app is customer-managed; AWS managed keys are recognized by their reserved `aws/`
 * alias. A literal key id or ARN is taken as customer-managed: nothing in the template tells them apart.
 *
 * | value | kind |
 * |---|---|
 * | absent or empty | NONE |
 * | `Ref` / `Fn::GetAtt` to an `AWS::KMS::Key`, `ReplicaKey` or `Alias` of the app (through nested stack parameters and exports) | CUSTOMER_MANAGED |
 * | text matching `aws/…`, `alias/aws/…` or `…:alias/aws/…` | AWS_MANAGED |
 * | any other part only known at deploy time (parameter, outside import, attribute of another resource) | UNRESOLVED |
 * | any other literal key id, key ARN or alias | CUSTOMER_MANAGED |
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
 */
export function keyKind(app: SynthesizedApp, resource: TemplateResource, key: unknown): KeyKind {
  if (key === undefined || key === null || key === '') {
    return KeyKind.NONE;
  }
  const located = { stack: resource.stack, value: key };
  if (referencedResources(app, located).some((target) => KEY_TYPES.includes(target.type))) {
    return KeyKind.CUSTOMER_MANAGED;
  }
  const text = literalText(app, located);
  if (AWS_MANAGED_KEY_NAME.test(text)) {
    return KeyKind.AWS_MANAGED;
  }
  return text.includes(UNKNOWN) ? KeyKind.UNRESOLVED : KeyKind.CUSTOMER_MANAGED;
}

/** A template boolean: CloudFormation also accepts the strings `"true"` and `"false"`. */
export function templateBoolean(value: unknown): boolean | undefined | typeof UNKNOWN {
  if (value === true || value === 'true') {
    return true;
  }
  if (value === false || value === 'false') {
    return false;
  }
  return value === undefined ? undefined : UNKNOWN;
}

/** The value at a property path (`BucketEncryption.ServerSideEncryptionConfiguration`), or undefined. */
export function property(value: unknown, propertyPath: string): any {
  return propertyPath.split('.').reduce<any>((current, name) => (current !== null && typeof current === 'object' ? current[name] : undefined), value);
}

/** Whether a value is a literal (no intrinsic function anywhere in it). */
export function isIntrinsic(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    && Object.keys(value).some((name) => name === 'Ref' || name.startsWith('Fn::'));
}
