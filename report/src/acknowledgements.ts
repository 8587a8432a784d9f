import { TemplateStack, isRecord } from './assembly';
import { resourceRefOf } from './inventory';
import { Acknowledgement, ResourceRef } from './model';
import { StackResource } from './values';

/**
 * The exceptions register: every finding acknowledged or suppressed in the assembly, with its reason.
 *
 * | tool | where the assembly records it |
 * |---|---|
 * | cdk-nag, cfn-guard, EncryptionChecks, aws-cdk-lib | `Validations.of(scope).acknowledge`: `aws:cdk:acknowledged-rules` metadata of the construct path (in the manifest or its metadata file); the id's namespace names the tool |
 * | cdk-nag (its own `NagSuppressions`) | `Metadata.cdk_nag.rules_to_suppress` of the resource |
 * | cfn-guard | `Metadata.guard.SuppressedRules` |
 * | checkov | `Metadata.checkov.skip` (`id`, `comment`) |
 * | cfn-lint | `Metadata.cfn-lint.config.ignore_checks` (no reason field) |
 *
 * `Annotations.acknowledgeWarning` leaves nothing in the assembly (aws-cdk-lib 2.276 only removes the warning),
 * so it cannot be listed.
 *
 * @see https://github.com/cdklabs/cdk-nag#suppressing-a-rule
 * @see https://www.checkov.io/2.Basics/Suppressing%20and%20Skipping%20Policies.html
 * @see https://github.com/aws-cloudformation/cfn-lint#metadata
 */
export function acknowledgementsOf(stacks: readonly TemplateStack[], resources: readonly StackResource[]): Acknowledgement[] {
  const byPath = new Map<string, StackResource>();
  for (const resource of resources) {
    const path = resourceRefOf(resource).path;
    if (path) {
      byPath.set(`/${path}`, resource);
    }
  }
  const fromMetadata = stacks.filter((stack) => !stack.parent).flatMap((stack) => [...stack.metadata].flatMap(([path, entries]) => entries
    .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
    .flatMap((entry) => Object.entries(isRecord(entry.data) ? entry.data : {}).map(([id, reason]): Acknowledgement => {
      const resource = byPath.get(path) ?? byPath.get(`${path}/Resource`);
      return {
        ...toolAndRule(id),
        ...(resource ? { resource: resourceRefOf(resource) } : {}),
        stack: resource?.stack.entry.id ?? stack.entry.id,
        path: path.replace(/^\//, ''),
        reason: String(reason),
      };
    }))));
  return [...fromMetadata, ...resources.flatMap(templateSuppressions)];
}

/** The tool and rule of a `Validations` acknowledgement id (`AwsSolutions::AwsSolutions-IAM5[Action::s3:*]`). */
function toolAndRule(id: string): Pick<Acknowledgement, 'tool' | 'rule' | 'appliesTo'> {
  const [namespace, ...rest] = id.split('::');
  const rule = rest.join('::') || id;
  const applies = /^(.*?)\[(.*)\]$/.exec(rule);
  const base = applies ? { rule: applies[1], appliesTo: [applies[2]] } : { rule };
  if (namespace === 'cdk-kms-encryption') {
    return { tool: 'EncryptionChecks', ...base };
  }
  if (namespace === 'cdk-validator-cfnguard') {
    return { tool: 'cfn-guard', ...base };
  }
  if (namespace === 'Annotation' || rest.length === 0) {
    return { tool: 'aws-cdk-lib', rule: rest.length === 0 ? id : rule };
  }
  return { tool: 'cdk-nag', ...base };
}

/** The suppressions scanners read from a resource's own `Metadata`. */
function templateSuppressions(resource: StackResource): Acknowledgement[] {
  const metadata = resource.json.Metadata ?? {};
  const ref: ResourceRef = resourceRefOf(resource);
  const entry = (tool: Acknowledgement['tool'], rule: unknown, reason: unknown, appliesTo?: unknown): Acknowledgement => ({
    tool,
    rule: String(rule),
    resource: ref,
    stack: ref.stack,
    reason: typeof reason === 'string' ? reason : '',
    ...(Array.isArray(appliesTo) && appliesTo.length > 0 ? { appliesTo: appliesTo.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))) } : {}),
  });
  return [
    ...[metadata.cdk_nag?.rules_to_suppress ?? []].flat().map((rule: any) => entry('cdk-nag', rule?.id, rule?.reason, rule?.applies_to)),
    ...[metadata.guard?.SuppressedRules ?? []].flat().map((rule: unknown) => entry('cfn-guard', rule, '')),
    ...[metadata.checkov?.skip ?? []].flat().map((skip: any) => entry('checkov', skip?.id, skip?.comment)),
    ...[metadata['cfn-lint']?.config?.ignore_checks ?? []].flat().map((check: unknown) => entry('cfn-lint', check, '')),
  ];
}
