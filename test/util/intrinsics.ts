import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** What the conventions need of a stack: its name and environment. */
export interface StackIdentity {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
}

/**
 * Turns CloudFormation intrinsics in a synthesized value into the strings AWS would see at deploy time,
 * so policies can be evaluated. Physical names and ARNs of resources follow simple, stable conventions
 * (a key's id is its logical id); tests use the same helpers to build requests.
 */
export class Intrinsics {
  /** The intrinsics of a template already synthesized (one version of a stack, for the deployment model). */
  public static ofTemplate(template: { Resources?: Record<string, any> }, stack: StackIdentity): Intrinsics {
    return new Intrinsics(stack, template);
  }

  private readonly resources: Record<string, { Type: string; Properties?: Record<string, any> }>;

  constructor(private readonly stack: StackIdentity, template: { Resources?: Record<string, any> } = Template.fromStack(stack as Stack).toJSON()) {
    this.resources = template.Resources ?? {};
  }

  /** The id CloudFormation gives the stack when it creates it: its ARN, with a generated UUID. */
  public stackId(): string {
    return `arn:aws:cloudformation:${this.stack.region}:${this.stack.account}:stack/${this.stack.stackName}/1c2fa620-982a-11e3-aff7-50e2416294e0`;
  }

  /** The ARN of a resource in the template, by logical id. */
  public arn(logicalId: string): string {
    const resource = this.resource(logicalId);
    const { account, region } = this.stack;
    const name = this.ref(logicalId);
    switch (resource.Type) {
      case 'AWS::KMS::Key':
      case 'AWS::KMS::ReplicaKey':
        return `arn:aws:kms:${region}:${account}:key/${name}`;
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${name}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${account}:role/${name}`;
      case 'AWS::IAM::ManagedPolicy':
        return `arn:aws:iam::${account}:policy/${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${region}:${account}:log-group:${name}:*`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${region}:${account}:secret:${name}-AbCdEf`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${account}:function:${name}`;
      default:
        throw new Error(`Intrinsics: no ARN convention for ${resource.Type} (${logicalId})`);
    }
  }

  /** What `Ref` returns: the name the template gives, or the logical id in lower case. */
  public ref(logicalId: string): string {
    const resource = this.resource(logicalId);
    const props = resource.Properties ?? {};
    const given = props.BucketName ?? props.LogGroupName ?? props.RoleName ?? props.ManagedPolicyName ?? props.Name ?? props.FunctionName;
    return typeof given === 'string' ? given : logicalId.toLowerCase();
  }

  /** The logical id of the only resource of a type. */
  public logicalIdOf(type: string): string {
    const ids = Object.entries(this.resources).filter(([, r]) => r.Type === type).map(([id]) => id);
    if (ids.length !== 1) {
      throw new Error(`Intrinsics: expected one ${type}, found ${ids.length}: ${ids.join(', ')}`);
    }
    return ids[0];
  }

  /** Resolves every intrinsic in a value. */
  public resolve(value: any): any {
    if (Array.isArray(value)) {
      return value.map((item) => this.resolve(item));
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Ref') {
      return this.resolveRef(value.Ref);
    }
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const [logicalId, attribute] = value['Fn::GetAtt'];
      if (attribute !== 'Arn') {
        throw new Error(`Intrinsics: unsupported attribute ${attribute}`);
      }
      return this.arn(logicalId);
    }
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [separator, parts] = value['Fn::Join'];
      return this.resolve(parts).join(separator);
    }
    if (keys.length === 1 && keys[0].startsWith('Fn::')) {
      throw new Error(`Intrinsics: unsupported ${keys[0]}`);
    }
    return Object.fromEntries(keys.map((key) => [key, this.resolve(value[key])]));
  }

  private resolveRef(name: string): string {
    switch (name) {
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::AccountId':
        return this.stack.account;
      case 'AWS::Region':
        return this.stack.region;
      case 'AWS::StackId':
        return this.stackId();
      default:
        // `Ref` of a secret or a managed policy is its ARN, not its name.
        return ['AWS::SecretsManager::Secret', 'AWS::IAM::ManagedPolicy'].includes(this.resource(name).Type) ? this.arn(name) : this.ref(name);
    }
  }

  private resource(logicalId: string) {
    const resource = this.resources[logicalId];
    if (!resource) {
      throw new Error(`Intrinsics: no resource ${logicalId}`);
    }
    return resource;
  }
}
