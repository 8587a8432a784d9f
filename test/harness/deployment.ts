import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudFormationDriver, Handler } from './driver';
import { FakeAws } from './fake-aws';
import { PoliciesInForce } from './policies-in-force';
import { Intrinsics, StackIdentity } from '../util/intrinsics';
import { roleIdentityPolicies } from '../util/policy';

/**
 * A small model of how CloudFormation applies a stack operation, driving the custom resources' handlers
 * and rewriting the IAM policies in force (`aws.iam`) step by step.
 *
 * What it assumes (AWS documents the first five; the rest is how CloudFormation is observed to behave,
 * and where AWS does not say, the model takes the order that is hardest on the handlers):
 * 1. Creates and updates run in dependency order (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `DependsOn`): a custom
 *    resource runs only after every policy its function `DependsOn` has been rewritten.
 *    @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html
 * 2. A property marked "Update requires: Replacement" replaces the resource: the new one is created first
 *    and the old one deleted in the cleanup phase, after every other create and update. A custom resource is
 *    replaced when its Update answers a new PhysicalResourceId.
 *    @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
 *    @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html
 * 3. Resources removed from the template are deleted in the cleanup phase, in reverse dependency order,
 *    unless their `DeletionPolicy` is `Retain`; replaced ones unless their `UpdateReplacePolicy` is.
 *    @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
 *    @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html
 * 4. A failed create or update rolls the stack back: every resource updated so far (the failed one
 *    included) is updated back to its old properties, again in dependency order, so the policies return to
 *    their old version before the custom resources that depend on them. A custom resource's rollback Update
 *    carries the old properties as `ResourceProperties` and the new ones as `OldResourceProperties`.
 *    @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html#troubleshooting-errors-update-rollback-failed
 * 5. Lambda applies a function's code and its configuration in two calls, so a code change and a
 *    configuration change of one update are two steps.
 *    @see https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html
 * 6. (Not documented.) The rollback of a replacement does not call the replaced resource's handler: the old
 *    physical resource is kept and the new one is deleted in the rollback cleanup, under the old policies.
 *    Resources created by the failed update are deleted there too, after the rollback updates.
 * 7. (Not documented.) Steps run one at a time; CloudFormation runs independent ones in parallel, which the
 *    hook between every two steps stands for: a rotation or a duplicate delivery can come at any of them.
 * 8. A failure in the rollback stops it: `UPDATE_ROLLBACK_FAILED`.
 */

/** One synthesized version of a stack. */
export class StackVersion {
  /** The version a CDK stack synthesizes to (synthesize each version once per file and reuse it). */
  public static of(stack: Stack): StackVersion {
    return new StackVersion(Template.fromStack(stack).toJSON(), stack);
  }

  public readonly intrinsics: Intrinsics;
  public readonly resources: Record<string, TemplateResource>;

  constructor(public readonly template: { Resources?: Record<string, TemplateResource> }, public readonly stack: StackIdentity) {
    this.intrinsics = Intrinsics.ofTemplate(template, stack);
    this.resources = template.Resources ?? {};
  }

  /** The resources in the order CloudFormation creates and updates them. */
  public dependencyOrder(): string[] {
    const order: string[] = [];
    const visit = (id: string, path: string[]) => {
      if (order.includes(id)) {
        return;
      }
      if (path.includes(id)) {
        throw new Error(`deployment: dependency cycle ${[...path, id].join(' → ')}`);
      }
      for (const dependency of this.dependenciesOf(id)) {
        visit(dependency, [...path, id]);
      }
      order.push(id);
    };
    Object.keys(this.resources).sort().forEach((id) => visit(id, []));
    return order;
  }

  public dependenciesOf(id: string): string[] {
    const resource = this.resources[id];
    const found = new Set<string>([resource.DependsOn ?? []].flat());
    collectReferences(resource.Properties, found);
    return [...found].filter((dependency) => dependency in this.resources);
  }
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DependsOn?: string | string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export type Phase = 'update' | 'cleanup' | 'rollback' | 'rollback-cleanup' | 'delete';
export type Action = 'create' | 'update' | 'update-code' | 'update-configuration' | 'delete';

/** One step CloudFormation took, passed to the hook that runs after it. */
export interface Step {
  readonly phase: Phase;
  readonly action: Action;
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
}

export type StackStatus = 'CREATE_COMPLETE' | 'UPDATE_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED' | 'ROLLBACK_COMPLETE' | 'DELETE_COMPLETE' | 'DELETE_FAILED';

export interface OperationResult {
  readonly status: StackStatus;
  readonly steps: readonly Step[];
  /** The reasons of every failed step, custom resources' answers included. */
  readonly failures: readonly string[];
}

export interface OperationOptions {
  /** Logical ids whose create or update fails, as a later resource of the stack may. */
  readonly failing?: readonly string[];
  /** Runs after every step: where a test injects a rotation, a duplicate delivery or a fault. */
  readonly between?: (step: Step) => Promise<void> | void;
  /** Every request to a custom resource is delivered twice, as CloudFormation and Lambda may (at least once). */
  readonly duplicateDeliveries?: boolean;
}

/** A resource as it exists in the account: its physical id and the resolved properties it was given. */
interface Deployed {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  readonly properties: Record<string, any>;
  readonly definition: TemplateResource;
}

/**
 * Replacing properties of the resource types the library's stacks hold. Custom resources are replaced by
 * their handler's answer instead.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-managedpolicy.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-secret.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
 */
const REPLACING_PROPERTIES: Record<string, readonly string[]> = {
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName', 'Path'],
  'AWS::IAM::Role': ['RoleName', 'Path'],
  'AWS::IAM::Policy': [],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::Lambda::Permission': ['Action', 'EventSourceToken', 'FunctionName', 'Principal', 'SourceAccount', 'SourceArn'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::SecretsManager::RotationSchedule': ['SecretId'],
  'AWS::KMS::Key': ['KeySpec', 'KeyUsage', 'MultiRegion', 'Origin'],
  'AWS::KMS::Alias': ['AliasName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::SSM::Parameter': ['Name'],
};

/** Lambda's code, set by UpdateFunctionCode; everything else is its configuration. */
const FUNCTION_CODE_PROPERTIES = ['Code', 'Architectures'];

class StepFailure extends Error {}

/**
 * A CloudFormation stack over the fake: `deploy` creates or updates it to a version, `delete` deletes it.
 * Custom resources are sent to `handlerOf(functionLogicalId)`, invoked as Lambda invokes them (driver.ts)
 * with the function's role as the caller of every AWS request.
 */
export class CloudFormationStack {
  /** The last version deployed successfully (or rolled back to). */
  public current?: StackVersion;
  private readonly deployed = new Map<string, Deployed>();
  /** Old physical resources of replacements, alive until the cleanup phase. */
  private retiring: Deployed[] = [];
  private readonly driver: CloudFormationDriver;
  private steps: Step[] = [];
  private failures: string[] = [];
  private options: OperationOptions = {};
  private lastVersion?: StackVersion;

  constructor(private readonly aws: FakeAws, private readonly handlerOf: (functionLogicalId: string) => Handler) {
    this.driver = new CloudFormationDriver(aws, (event, context) => this.handlerOf(this.functionOf(event.ServiceToken))(event, context));
  }

  /** The physical id of a resource in the stack now. */
  public physicalId(logicalId: string): string | undefined {
    return this.deployed.get(logicalId)?.physicalId;
  }

  /** Creates the stack, or updates it from the version deployed now. */
  public async deploy(next: StackVersion, options: OperationOptions = {}): Promise<OperationResult> {
    this.begin(options);
    this.lastVersion = next;
    const previous = this.current;
    const done: Array<{ logicalId: string; before?: Deployed }> = [];
    try {
      for (const logicalId of next.dependencyOrder()) {
        const before = this.deployed.get(logicalId);
        const definition = next.resources[logicalId];
        // A reference to a replaced resource resolves to its new physical id: that changes the referrer too.
        const unchanged = before && sameDefinition(before.definition, definition)
          && sameValue(before.properties, next.intrinsics.resolve(definition.Properties ?? {}));
        if (unchanged) {
          continue;
        }
        done.push({ logicalId, before });
        await this.apply('update', logicalId, next, before);
      }
    } catch (error) {
      this.recordFailure(error);
      return this.rollBack(previous, done);
    }
    // Cleanup: removed resources in reverse dependency order, then the old physical resources of replacements.
    if (previous) {
      const removed = previous.dependencyOrder().reverse().filter((id) => !(id in next.resources));
      try {
        for (const logicalId of removed) {
          const gone = this.deployed.get(logicalId)!;
          this.deployed.delete(logicalId);
          await this.remove('cleanup', gone, gone.definition.DeletionPolicy);
        }
        for (const old of this.retiring.splice(0)) {
          await this.remove('cleanup', old, old.definition.UpdateReplacePolicy);
        }
      } catch (error) {
        // CloudFormation reports a failed cleanup and completes the update.
        this.recordFailure(error);
      }
    }
    this.current = next;
    return this.result(previous ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE');
  }

  /** Deletes every resource, in reverse dependency order, honouring `DeletionPolicy`. */
  public async delete(options: OperationOptions = {}): Promise<OperationResult> {
    this.begin(options);
    try {
      for (const logicalId of this.current!.dependencyOrder().reverse()) {
        const gone = this.deployed.get(logicalId)!;
        await this.remove('delete', gone, gone.definition.DeletionPolicy);
        this.deployed.delete(logicalId);
      }
    } catch (error) {
      this.recordFailure(error);
      return this.result('DELETE_FAILED');
    }
    this.current = undefined;
    return this.result('DELETE_COMPLETE');
  }

  private begin(options: OperationOptions): void {
    this.options = options;
    this.steps = [];
    this.failures = [];
  }

  private result(status: StackStatus): OperationResult {
    return { status, steps: this.steps, failures: this.failures };
  }

  /**
   * Rolls back to `previous`: resources created by the failed operation are deleted, updated ones get their
   * old properties back (dependency order of the old version), replacements keep their old physical resource.
   */
  private async rollBack(previous: StackVersion | undefined, done: Array<{ logicalId: string; before?: Deployed }>): Promise<OperationResult> {
    const touched = new Map(done.map((entry) => [entry.logicalId, entry.before]));
    const created: Deployed[] = [];
    try {
      for (const logicalId of previous?.dependencyOrder() ?? []) {
        if (!touched.has(logicalId)) {
          continue;
        }
        const before = touched.get(logicalId)!;
        const now = this.deployed.get(logicalId);
        const replaced = this.retiring.find((old) => old.logicalId === logicalId);
        if (replaced) {
          // The old physical resource is reinstated; the new one goes in the rollback cleanup.
          this.retiring = this.retiring.filter((old) => old !== replaced);
          this.deployed.set(logicalId, replaced);
          created.push(now!);
        } else {
          await this.apply('rollback', logicalId, previous!, now, before);
        }
      }
      for (const { logicalId, before } of done.reverse()) {
        const now = this.deployed.get(logicalId);
        if (!before && now) {
          this.deployed.delete(logicalId);
          created.push(now);
        }
      }
      for (const resource of created) {
        const policy = this.deployed.has(resource.logicalId) ? resource.definition.UpdateReplacePolicy : resource.definition.DeletionPolicy;
        await this.remove('rollback-cleanup', resource, policy);
      }
    } catch (error) {
      this.recordFailure(error);
      return this.result('UPDATE_ROLLBACK_FAILED');
    }
    this.current = previous;
    return this.result(previous ? 'UPDATE_ROLLBACK_COMPLETE' : 'ROLLBACK_COMPLETE');
  }

  /**
   * Creates or updates one resource to its definition in `version` (in a rollback, back to `target`, the
   * resource as it was). A failure throws StepFailure after the resource is recorded as it now is.
   */
  private async apply(phase: Phase, logicalId: string, version: StackVersion, now?: Deployed, target?: Deployed): Promise<void> {
    const definition = target?.definition ?? version.resources[logicalId];
    const properties = target?.properties ?? version.intrinsics.resolve(definition.Properties ?? {});
    const type = definition.Type;
    if (phase === 'update' && this.options.failing?.includes(logicalId)) {
      throw new StepFailure(`${logicalId}: the resource failed to ${now ? 'update' : 'create'} (injected)`);
    }
    if (type.startsWith('Custom::')) {
      return this.applyCustom(phase, logicalId, definition, properties, now);
    }
    const replaces = now && (REPLACING_PROPERTIES[type] ?? []).some((key) => !sameValue(now.properties[key], properties[key]));
    const physicalId = replaces ? `${version.intrinsics.ref(logicalId)}-replacement` : now?.physicalId ?? version.intrinsics.ref(logicalId);
    if (replaces) {
      this.retiring.push(now);
    }
    const next: Deployed = { logicalId, type, physicalId, properties, definition };
    const twoSteps = type === 'AWS::Lambda::Function' && now && !replaces;
    if (twoSteps) {
      const codeChanged = FUNCTION_CODE_PROPERTIES.some((key) => !sameValue(now.properties[key], properties[key]));
      if (codeChanged) {
        const withCode = { ...now.properties, ...pick(properties, FUNCTION_CODE_PROPERTIES) };
        await this.record(phase, 'update-code', { ...next, properties: withCode });
      }
      await this.record(phase, 'update-configuration', next);
      return;
    }
    await this.record(phase, now && !replaces ? 'update' : 'create', next);
  }

  /** A custom resource: Create or Update sent to its handler; a new physical id from an Update is a replacement. */
  private async applyCustom(
    phase: Phase, logicalId: string, definition: TemplateResource, properties: Record<string, any>, now?: Deployed,
  ): Promise<void> {
    const request = now
      ? { RequestType: 'Update', PhysicalResourceId: now.physicalId, ResourceProperties: properties, OldResourceProperties: now.properties }
      : { RequestType: 'Create', ResourceProperties: properties };
    const response = await this.send(logicalId, definition.Type, request);
    const next: Deployed = { logicalId, type: definition.Type, physicalId: response.PhysicalResourceId, properties, definition };
    if (response.Status === 'FAILED') {
      // UPDATE_FAILED: its rollback Update carries these properties as the old ones, and its physical id.
      // A failed Create leaves the physical id its answer gave, for the Delete of the rollback.
      this.deployed.set(logicalId, { ...next, physicalId: now?.physicalId ?? response.PhysicalResourceId });
      throw new StepFailure(`${logicalId}: ${response.Reason}`);
    }
    if (now && response.PhysicalResourceId !== now.physicalId) {
      this.retiring.push(now);
    }
    await this.record(phase, now ? 'update' : 'create', next);
  }

  /** Deletes one physical resource (a custom resource's handler gets a Delete), unless its policy retains it. */
  private async remove(phase: Phase, resource: Deployed, policy: string | undefined): Promise<void> {
    if (policy === 'Retain') {
      return;
    }
    if (resource.type.startsWith('Custom::')) {
      const response = await this.send(resource.logicalId, resource.type, {
        RequestType: 'Delete',
        PhysicalResourceId: resource.physicalId,
        ResourceProperties: resource.properties,
      });
      if (response.Status === 'FAILED') {
        throw new StepFailure(`${resource.logicalId}: ${response.Reason}`);
      }
    }
    this.applyPolicies(resource, undefined);
    await this.hook({ phase, action: 'delete', logicalId: resource.logicalId, type: resource.type, physicalId: resource.physicalId });
  }

  private async record(phase: Phase, action: Action, resource: Deployed): Promise<void> {
    this.deployed.set(resource.logicalId, resource);
    this.applyPolicies(resource, resource);
    await this.hook({ phase, action, logicalId: resource.logicalId, type: resource.type, physicalId: resource.physicalId });
  }

  private async hook(step: Step): Promise<void> {
    this.steps.push(step);
    await this.options.between?.(step);
  }

  private async send(logicalId: string, type: string, request: Record<string, unknown>) {
    const functionLogicalId = this.functionOf(String((request.ResourceProperties as any).ServiceToken));
    this.aws.iam.caller = this.roleOf(functionLogicalId);
    return this.driver.send({
      ...request,
      ServiceToken: (request.ResourceProperties as any).ServiceToken,
      LogicalResourceId: logicalId,
      ResourceType: type,
      StackId: this.stackId(),
    }, { duplicate: this.options.duplicateDeliveries });
  }

  private stackId(): string {
    return this.anyVersion().intrinsics.stackId();
  }

  /** The version being deployed or deleted: its stack's name and environment are every version's. */
  private anyVersion(): StackVersion {
    if (!this.lastVersion) {
      throw new Error('deployment: no version deployed');
    }
    return this.lastVersion;
  }

  /** The logical id of the function a ServiceToken (a function ARN) names. */
  private functionOf(serviceToken: string): string {
    const found = [...this.deployed.values()].find((resource) => resource.type === 'AWS::Lambda::Function'
      && serviceToken.endsWith(`:function:${resource.properties.FunctionName ?? resource.physicalId}`));
    if (!found) {
      throw new Error(`deployment: no function in the stack behind ServiceToken ${serviceToken}`);
    }
    return found.logicalId;
  }

  /** The role ARN a function runs with. */
  private roleOf(functionLogicalId: string): string {
    return String(this.deployed.get(functionLogicalId)!.properties.Role);
  }

  private applyPolicies(resource: Deployed, now: Deployed | undefined): void {
    applyPolicies(this.aws.iam, this.anyVersion().stack, resource, now !== undefined);
  }

  private recordFailure(error: unknown): void {
    if (!(error instanceof StepFailure)) {
      throw error;
    }
    this.failures.push(error.message);
  }
}

/**
 * Puts the policies of every resource of `version` in force, as if it were deployed: for tests that drive
 * one handler request at a time (driver.ts) under the policies of a synthesized stack.
 */
export function installPolicies(iam: PoliciesInForce, version: StackVersion): void {
  for (const [logicalId, definition] of Object.entries(version.resources)) {
    if (definition.Type.startsWith('AWS::IAM::') || definition.Type === 'AWS::KMS::Key') {
      const properties = version.intrinsics.resolve(definition.Properties ?? {});
      const physicalId = version.intrinsics.ref(logicalId);
      applyPolicies(iam, version.stack, { logicalId, type: definition.Type, physicalId, properties, definition }, true);
    }
  }
}

/**
 * Rewrites the policies in force for one resource: a role's inline policies, a managed or inline policy
 * attached to roles, a key's policy; `inForce` false removes them.
 */
function applyPolicies(iam: PoliciesInForce, stack: StackIdentity, resource: Deployed, inForce: boolean): void {
  const id = `${resource.logicalId}:${resource.physicalId}`;
  if (resource.type === 'AWS::KMS::Key') {
    iam.setResourcePolicy(`arn:aws:kms:${stack.region}:${stack.account}:key/${resource.physicalId}`, inForce ? resource.properties.KeyPolicy : undefined);
    return;
  }
  const roleArn = (roleName: string) => `arn:aws:iam::${stack.account}:role/${roleName}`;
  for (const { role, statements } of roleIdentityPolicies(resource.type, resource.properties, resource.physicalId, roleArn)) {
    iam.setIdentityPolicy(role, id, inForce ? statements : undefined);
  }
}

function collectReferences(value: any, found: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((item) => collectReferences(item, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') {
        found.add(inner);
      } else if (key === 'Fn::GetAtt') {
        found.add(Array.isArray(inner) ? inner[0] : String(inner).split('.')[0]);
      } else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const match of String(text).matchAll(/\$\{([^}.!]+)[^}]*\}/g)) {
          found.add(match[1]);
        }
        collectReferences(Array.isArray(inner) ? inner[1] : undefined, found);
      } else {
        collectReferences(inner, found);
      }
    }
  }
}

function sameDefinition(a: TemplateResource, b: TemplateResource): boolean {
  return sameValue(a, b);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function pick(properties: Record<string, any>, keys: readonly string[]): Record<string, any> {
  return Object.fromEntries(keys.filter((key) => key in properties).map((key) => [key, properties[key]]));
}
