import { TemplateStack, TemplateResourceJson, isRecord } from './assembly';

/**
 * The values of a template as text, as far as the assembly tells: pseudo parameters from the stack's
 * environment, nested stack parameters from what the parent passes, `Fn::ImportValue` and `Fn::GetStackOutput`
 * from the exporting stack's output, aws-cdk-lib's cross-Region references from their writer, and each
 * resource's `Ref` and attributes as the name or ARN CloudFormation would give it (generated names are
 * stand-ins built from the stack and logical id, the same in every policy and request the report evaluates).
 * A part only known at deploy time becomes an {@link unknownPart} naming where it comes from.
 */

const UNKNOWN_OPEN = '⟪unknown: ';
const UNKNOWN_CLOSE = '⟫';
const UNKNOWN_PART = /⟪unknown: (.*?)⟫/g;
/** @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html */
const DYNAMIC_REFERENCE = /\{\{resolve:[^}]*\}\}/g;

/**
 * Stands for the account of an environment-agnostic stack in ARNs and requests, so its policies can be
 * evaluated: the account the app is deployed to, whichever it is. The report calls it `unknown-account`.
 */
export const UNKNOWN_ACCOUNT = '000000000000';

/** The text standing for a value only known at deploy time, `from` saying where it comes from. */
export function unknownPart(from: string): string {
  return `${UNKNOWN_OPEN}${from}${UNKNOWN_CLOSE}`;
}

/** Where the unknown parts of a text come from, in order. */
export function unknownsOf(text: string): string[] {
  return [...text.matchAll(UNKNOWN_PART)].map((match) => match[1]);
}

/** A resource of a template with the stack it is in. */
export interface StackResource {
  readonly stack: TemplateStack;
  readonly logicalId: string;
  readonly json: TemplateResourceJson;
}

/** How CloudFormation names a resource type and forms its ARN; `name` is the physical name. */
interface Naming {
  /** The property that sets the physical name. */
  readonly nameProperty?: string;
  /** What `Ref` returns. @default the name */
  readonly ref?: (parts: NameParts) => string;
  /** `Ref` returns the ARN. */
  readonly refIsArn?: boolean;
  readonly arn: (parts: NameParts) => string;
  /** Other attributes by name. */
  readonly attributes?: Record<string, (parts: NameParts) => string>;
  /** Generated names are lower case (S3). */
  readonly lowerCase?: boolean;
}

export interface NameParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

const arnOf = (service: string, resource: (p: NameParts) => string, global = false) =>
  (p: NameParts) => `arn:${p.partition}:${service}:${global ? '' : p.region}:${global && service === 's3' ? '' : p.account}:${resource(p)}`;

/**
 * The resource types whose names matter to key access (principals, data under keys, keys themselves).
 * Others: `Ref` is a stand-in physical id, `Arn` a generic ARN.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
const NAMING: Record<string, Naming> = {
  'AWS::IAM::Role': { nameProperty: 'RoleName', arn: arnOf('iam', (p) => `role/${p.name}`, true), attributes: { RoleId: (p) => `AROA${p.name}` } },
  'AWS::IAM::User': { nameProperty: 'UserName', arn: arnOf('iam', (p) => `user/${p.name}`, true) },
  'AWS::IAM::ManagedPolicy': { nameProperty: 'ManagedPolicyName', refIsArn: true, arn: arnOf('iam', (p) => `policy/${p.name}`, true) },
  'AWS::KMS::Key': { ref: (p) => p.name, arn: arnOf('kms', (p) => `key/${p.name}`), attributes: { KeyId: (p) => p.name } },
  'AWS::KMS::ReplicaKey': { ref: (p) => p.name, arn: arnOf('kms', (p) => `key/${p.name}`), attributes: { KeyId: (p) => p.name } },
  'AWS::KMS::Alias': { nameProperty: 'AliasName', arn: arnOf('kms', (p) => p.name) },
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    lowerCase: true,
    arn: arnOf('s3', (p) => p.name, true),
    attributes: { DomainName: (p) => `${p.name}.s3.amazonaws.com`, RegionalDomainName: (p) => `${p.name}.s3.${p.region}.amazonaws.com` },
  },
  'AWS::Logs::LogGroup': { nameProperty: 'LogGroupName', arn: arnOf('logs', (p) => `log-group:${p.name}:*`) },
  // A secret's ARN ends in six random characters.
  'AWS::SecretsManager::Secret': { nameProperty: 'Name', refIsArn: true, arn: arnOf('secretsmanager', (p) => `secret:${p.name}-AbCdEf`) },
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    ref: (p) => `https://sqs.${p.region}.amazonaws.com/${p.account}/${p.name}`,
    arn: arnOf('sqs', (p) => p.name),
    attributes: { QueueName: (p) => p.name, QueueUrl: (p) => `https://sqs.${p.region}.amazonaws.com/${p.account}/${p.name}` },
  },
  'AWS::SNS::Topic': { nameProperty: 'TopicName', refIsArn: true, arn: arnOf('sns', (p) => p.name), attributes: { TopicArn: arnOf('sns', (p) => p.name), TopicName: (p) => p.name } },
  'AWS::DynamoDB::Table': { nameProperty: 'TableName', arn: arnOf('dynamodb', (p) => `table/${p.name}`) },
  'AWS::Lambda::Function': { nameProperty: 'FunctionName', arn: arnOf('lambda', (p) => `function:${p.name}`) },
  'AWS::SSM::Parameter': { nameProperty: 'Name', arn: arnOf('ssm', (p) => `parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`) },
  'Custom::SecureStringParameter': { nameProperty: 'Name', arn: arnOf('ssm', (p) => `parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`) },
  'AWS::Kinesis::Stream': { nameProperty: 'Name', arn: arnOf('kinesis', (p) => `stream/${p.name}`) },
  'AWS::EC2::Volume': { ref: (p) => `vol-${p.name}`, arn: arnOf('ec2', (p) => `volume/vol-${p.name}`) },
};

/** A value of a template resolved to text (or a structure of texts), with where it was found. */
export class Resolver {
  private readonly resources = new Map<TemplateStack, Map<string, StackResource>>();
  private readonly exports = new Map<string, Located>();
  private readonly outputs = new Map<string, Located>();
  private readonly crossRegionExports = new Map<string, Located>();
  private readonly byType = new Map<string, StackResource[]>();
  private readonly attributes = new Map<StackResource, Map<string, string>>();

  constructor(stacks: readonly TemplateStack[]) {
    for (const stack of stacks) {
      const byId = new Map<string, StackResource>();
      for (const [logicalId, json] of Object.entries(stack.template.Resources)) {
        const resource = { stack, logicalId, json };
        byId.set(logicalId, resource);
        const ofType = this.byType.get(json.Type) ?? [];
        ofType.push(resource);
        this.byType.set(json.Type, ofType);
        if (json.Type === 'Custom::CrossRegionExportWriter') {
          for (const [name, value] of Object.entries<unknown>(json.Properties?.WriterProps?.exports ?? {})) {
            this.crossRegionExports.set(name, { stack, value });
          }
        }
      }
      this.resources.set(stack, byId);
      for (const [outputName, output] of Object.entries<any>(stack.template.Outputs ?? {})) {
        if (typeof output?.Export?.Name === 'string') {
          this.exports.set(output.Export.Name, { stack, value: output.Value });
        }
        this.outputs.set(`${stack.entry.stackName}\u0000${outputName}`, { stack, value: output?.Value });
      }
    }
  }

  /** Every resource of every template. */
  public all(): StackResource[] {
    return [...this.resources.values()].flatMap((byId) => [...byId.values()]);
  }

  /** The resources of one type, in every template. */
  public ofType(type: string): readonly StackResource[] {
    return this.byType.get(type) ?? [];
  }

  public resource(stack: TemplateStack, logicalId: string): StackResource | undefined {
    return this.resources.get(stack)?.get(logicalId);
  }

  /** The value with every intrinsic function resolved to text; `Ref: AWS::NoValue` removes the property. */
  public resolve(stack: TemplateStack, value: unknown): any {
    if (typeof value === 'string') {
      // CloudFormation resolves dynamic references at deploy time.
      return value.replace(DYNAMIC_REFERENCE, (reference) => unknownPart(`dynamic reference ${reference}`));
    }
    if (Array.isArray(value)) {
      return value.map((item) => this.resolve(stack, item)).filter((item) => item !== undefined);
    }
    if (!isRecord(value)) {
      return value;
    }
    if (isIntrinsic(value)) {
      return this.intrinsic(stack, value);
    }
    return Object.fromEntries(Object.entries(value)
      .map(([name, item]) => [name, this.resolve(stack, item)])
      .filter(([, item]) => item !== undefined));
  }

  /** The value as one text (a list joined by commas). */
  public text(stack: TemplateStack, value: unknown): string {
    const resolved = this.resolve(stack, value);
    return Array.isArray(resolved) ? resolved.join(',') : typeof resolved === 'object' && resolved !== null ? JSON.stringify(resolved) : String(resolved ?? '');
  }

  /**
   * The resource a value refers to (`Ref`, `Fn::GetAtt`), followed through nested stack parameters,
   * exports, stack outputs and cross-Region references; undefined when it is not a reference to one resource.
   */
  public referenced(stack: TemplateStack, value: unknown): StackResource | undefined {
    const followed = this.follow({ stack, value });
    if (!isRecord(followed.value)) {
      return undefined;
    }
    const ref = followed.value.Ref;
    const getAtt = followed.value['Fn::GetAtt'];
    const logicalId = typeof ref === 'string' ? ref : Array.isArray(getAtt) ? getAtt[0] : typeof getAtt === 'string' ? getAtt.split('.')[0] : undefined;
    return typeof logicalId === 'string' ? this.resource(followed.stack, logicalId) : undefined;
  }

  /** The physical name of a resource: its name property, or a stand-in for the name CloudFormation generates. */
  public nameOf(resource: StackResource): string {
    const naming = NAMING[resource.json.Type];
    const property = naming?.nameProperty && resource.json.Properties?.[naming.nameProperty];
    if (property !== undefined) {
      return this.text(resource.stack, property);
    }
    const generated = `${resource.stack.entry.stackName}-${resource.logicalId}`;
    return naming?.lowerCase ? generated.toLowerCase() : generated;
  }

  /** The parts an ARN of a resource of `stack` is made of. */
  public partsOf(stack: TemplateStack, name: string): NameParts {
    return { partition: partitionOf(stack.entry.region), region: this.regionOf(stack), account: this.accountOf(stack), name };
  }

  /** What `Fn::GetAtt [resource, 'Arn']` gives. */
  public arnOf(resource: StackResource): string {
    return this.attribute(resource, 'Arn');
  }

  public refOf(resource: StackResource): string {
    return this.attribute(resource, undefined);
  }

  /** The stack's account; {@link UNKNOWN_ACCOUNT} for an environment-agnostic stack. */
  public accountOf(stack: TemplateStack): string {
    return stack.entry.account === 'unknown-account' ? UNKNOWN_ACCOUNT : stack.entry.account;
  }

  /** The stack's Region; `unknown-region` for an environment-agnostic stack, in ARNs and service names alike. */
  public regionOf(stack: TemplateStack): string {
    return stack.entry.region;
  }

  private attribute(resource: StackResource, attribute: string | undefined): string {
    const known = this.attributes.get(resource) ?? new Map<string, string>();
    this.attributes.set(resource, known);
    const name = attribute ?? 'Ref';
    if (!known.has(name)) {
      known.set(name, this.attributeText(resource, attribute));
    }
    return known.get(name)!;
  }

  private attributeText(resource: StackResource, attribute: string | undefined): string {
    const naming = NAMING[resource.json.Type];
    const parts = this.partsOf(resource.stack, this.nameOf(resource));
    if (resource.json.Type === 'AWS::KMS::ReplicaKey') {
      // A replica has its primary key's id.
      const primary = this.text(resource.stack, resource.json.Properties?.PrimaryKeyArn);
      const id = primary.split(':key/')[1] ?? parts.name;
      return attribute === undefined || attribute === 'KeyId' ? id : naming.arn({ ...parts, name: id });
    }
    if (attribute === undefined) {
      return naming?.refIsArn ? naming.arn(parts) : naming?.ref ? naming.ref(parts) : parts.name;
    }
    if (attribute === 'Arn') {
      const service = resource.json.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
      return naming ? naming.arn(parts) : arnOf(service, (p) => `${resource.json.Type.split('::')[2]?.toLowerCase()}/${p.name}`)(parts);
    }
    return naming?.attributes?.[attribute]?.(parts) ?? `${parts.name}.${attribute}`;
  }

  private intrinsic(stack: TemplateStack, value: Record<string, any>): any {
    const [[fn, args]] = Object.entries(value);
    switch (fn) {
      case 'Ref':
        return this.ref(stack, String(args));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(args) ? args.map(String) : String(args).split(/\.(.*)/);
        return this.getAtt(stack, logicalId, attribute);
      }
      case 'Fn::Join': {
        const [separator, parts] = args;
        const resolved = this.resolve(stack, parts);
        return Array.isArray(resolved) ? resolved.map((part) => this.asText(part)).join(separator) : unknownPart(`Fn::Join of ${this.asText(resolved)}`);
      }
      case 'Fn::Sub':
        return this.sub(stack, args);
      case 'Fn::Select': {
        const [index, list] = args;
        const resolved = this.resolve(stack, list);
        return Array.isArray(resolved) ? resolved[Number(this.resolve(stack, index))] : unknownPart(`Fn::Select of ${this.asText(resolved)}`);
      }
      case 'Fn::Split': {
        const [separator, text] = args;
        const resolved = this.asText(this.resolve(stack, text));
        return resolved.includes(UNKNOWN_OPEN) ? [resolved] : resolved.split(separator);
      }
      case 'Fn::FindInMap': {
        const [map, first, second] = (args as unknown[]).map((arg) => this.asText(this.resolve(stack, arg)));
        const found = stack.template.Mappings?.[map]?.[first]?.[second];
        return found === undefined ? unknownPart(`Fn::FindInMap ${map}.${first}.${second} of stack ${stack.entry.id}`) : this.resolve(stack, found);
      }
      case 'Fn::ImportValue':
      case 'Fn::GetStackOutput': {
        const followed = this.follow({ stack, value });
        return followed.value === value ? unknownPart(describe(fn, this.resolve(stack, args))) : this.resolve(followed.stack, followed.value);
      }
      default:
        return unknownPart(`${fn} in stack ${stack.entry.id}`);
    }
  }

  private ref(stack: TemplateStack, name: string): any {
    switch (name) {
      case 'AWS::Partition':
        return partitionOf(stack.entry.region);
      case 'AWS::URLSuffix':
        return stack.entry.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::Region':
        return this.regionOf(stack);
      case 'AWS::AccountId':
        return this.accountOf(stack);
      case 'AWS::StackName':
        return stack.entry.stackName;
      case 'AWS::StackId':
        return `arn:${partitionOf(stack.entry.region)}:cloudformation:${this.regionOf(stack)}:${this.accountOf(stack)}:stack/${stack.entry.stackName}/id`;
      case 'AWS::NoValue':
        return undefined;
      default:
        break;
    }
    if (stack.template.Parameters?.[name] !== undefined) {
      const passed = stack.parent && this.resource(stack.parent.stack, stack.parent.logicalId)?.json.Properties?.Parameters?.[name];
      return passed !== undefined ? this.resolve(stack.parent!.stack, passed) : unknownPart(`parameter ${name} of stack ${stack.entry.id}`);
    }
    const resource = this.resource(stack, name);
    return resource ? this.refOf(resource) : unknownPart(`Ref ${name} in stack ${stack.entry.id}`);
  }

  private getAtt(stack: TemplateStack, logicalId: string, attribute: string): string {
    const resource = this.resource(stack, logicalId);
    if (!resource) {
      return unknownPart(`Fn::GetAtt ${logicalId}.${attribute} in stack ${stack.entry.id}`);
    }
    if (resource.json.Type === 'Custom::CrossRegionExportReader') {
      const exported = this.crossRegionExports.get(attribute);
      return exported ? this.asText(this.resolve(exported.stack, exported.value)) : unknownPart(`cross-Region reference ${attribute}`);
    }
    if (resource.json.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
      const nested = this.nestedStackOf(resource);
      const output = nested?.template.Outputs?.[attribute.slice('Outputs.'.length)];
      return nested && output ? this.asText(this.resolve(nested, output.Value)) : unknownPart(`output ${attribute} of nested stack ${logicalId}`);
    }
    return this.attribute(resource, attribute);
  }

  private sub(stack: TemplateStack, args: unknown): string {
    const [template, variables] = Array.isArray(args) ? args : [args, {}];
    return String(template).replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
      if (isRecord(variables) && variables[name] !== undefined) {
        return this.asText(this.resolve(stack, variables[name]));
      }
      const [logicalId, attribute] = name.split(/\.(.*)/);
      return attribute ? this.getAtt(stack, logicalId, attribute) : this.asText(this.ref(stack, logicalId));
    });
  }

  /** A value followed to where it is defined: nested stack parameters, exports, stack outputs. */
  private follow(located: Located): Located {
    const { stack, value } = located;
    if (!isRecord(value)) {
      return located;
    }
    const ref = value.Ref;
    if (typeof ref === 'string' && stack.parent && stack.template.Parameters?.[ref] !== undefined) {
      const passed = this.resource(stack.parent.stack, stack.parent.logicalId)?.json.Properties?.Parameters?.[ref];
      return passed === undefined ? located : this.follow({ stack: stack.parent.stack, value: passed });
    }
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) {
      const reader = this.resource(stack, String(getAtt[0]));
      const exported = reader?.json.Type === 'Custom::CrossRegionExportReader' ? this.crossRegionExports.get(String(getAtt[1])) : undefined;
      if (exported) {
        return this.follow(exported);
      }
    }
    const imported = value['Fn::ImportValue'];
    const output = value['Fn::GetStackOutput'];
    const target = typeof imported === 'string' ? this.exports.get(imported)
      : isRecord(output) ? this.outputs.get(`${output.StackName}\u0000${output.OutputName}`) : undefined;
    return target ? this.follow(target) : located;
  }

  private nestedStackOf(resource: StackResource): TemplateStack | undefined {
    return [...this.resources.keys()].find((stack) => stack.parent?.stack === resource.stack && stack.parent.logicalId === resource.logicalId);
  }

  private asText(value: unknown): string {
    return Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : JSON.stringify(value ?? '');
  }
}

interface Located {
  readonly stack: TemplateStack;
  readonly value: unknown;
}

/** `aws`, `aws-cn` or `aws-us-gov`, from the Region. */
function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

function isIntrinsic(value: Record<string, unknown>): boolean {
  const names = Object.keys(value);
  return names.length === 1 && (names[0] === 'Ref' || names[0].startsWith('Fn::'));
}

function describe(fn: string, args: unknown): string {
  return fn === 'Fn::ImportValue' ? `Fn::ImportValue ${String(args)}` : `Fn::GetStackOutput ${JSON.stringify(args)}`;
}
