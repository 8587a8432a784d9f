import * as fs from 'fs';
import * as path from 'path';
import { ReportInputError } from './errors';
import { StackEntry } from './model';

/** One metadata entry of a construct path, as the assembly records it (`aws:cdk:acknowledged-rules`, …). */
export interface MetadataEntry {
  readonly type: string;
  readonly data?: unknown;
}

/** One template of the assembly: a stack, or a nested stack of one. */
export interface TemplateStack {
  readonly entry: StackEntry;
  /** The template file, as found from the assembly directory given. */
  readonly file: string;
  readonly template: Template;
  /** Metadata by construct path; nested stacks share their top-level stack's. */
  readonly metadata: ReadonlyMap<string, MetadataEntry[]>;
  /** For a nested stack: the stack that holds it, and its `AWS::CloudFormation::Stack` resource. */
  readonly parent?: { readonly stack: TemplateStack; readonly logicalId: string };
  /** The construct path of each resource, by logical id (`aws:cdk:logicalId` metadata), without the leading slash. */
  readonly resourcePaths: ReadonlyMap<string, string>;
}

/** The parts of a CloudFormation template the report reads. */
export interface Template {
  readonly Parameters?: Record<string, any>;
  readonly Resources: Record<string, TemplateResourceJson>;
  readonly Outputs?: Record<string, any>;
  readonly Mappings?: Record<string, any>;
}

export interface TemplateResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
  readonly DeletionPolicy?: string;
}

const MANIFEST = 'manifest.json';
const STACK_ARTIFACT = 'aws:cloudformation:stack';
const NESTED_ASSEMBLY_ARTIFACT = 'cdk:cloud-assembly';
const ASSET_MANIFEST_ARTIFACT = 'cdk:asset-manifest';
const NESTED_STACK_TYPE = 'AWS::CloudFormation::Stack';

/**
 * Every template of the cloud assembly in `dir`: its stacks, the stacks of nested assemblies (Stages) and
 * their nested stacks, in manifest order.
 * @see https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/cloud-assembly-schema/README.md
 */
export function readAssembly(dir: string): TemplateStack[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ReportInputError(`No cloud assembly at ${dir}: the directory does not exist. Run \`cdk synth\` first, or pass the directory it wrote (cdk.out).`);
  }
  const manifestFile = path.join(dir, MANIFEST);
  if (!fs.existsSync(manifestFile)) {
    throw new ReportInputError(`${manifestFile} not found: ${dir} is not a cloud assembly (expected the directory \`cdk synth\` writes, such as cdk.out).`);
  }
  const manifest = readJson(manifestFile, 'the cloud assembly manifest `cdk synth` writes');
  if (!isRecord(manifest) || typeof manifest.version !== 'string' || !isRecord(manifest.artifacts ?? {})) {
    throw new ReportInputError(
      `${manifestFile} is not a cloud assembly manifest: expected a JSON object with a "version" string and an "artifacts" object, as \`cdk synth\` writes.`);
  }
  const artifacts = Object.entries<any>(manifest.artifacts ?? {});
  const assets = assetFiles(dir, artifacts.map(([, artifact]) => artifact));
  const stacks: TemplateStack[] = [];
  for (const [artifactId, artifact] of artifacts) {
    if (artifact?.type === NESTED_ASSEMBLY_ARTIFACT && typeof artifact.properties?.directoryName === 'string') {
      stacks.push(...readAssembly(path.join(dir, artifact.properties.directoryName)));
    } else if (artifact?.type === STACK_ARTIFACT) {
      stacks.push(...readStackArtifact(dir, artifactId, artifact, assets));
    }
  }
  return stacks;
}

/** The files of the assembly's asset manifests, by the object key they are published under (`<hash>.json`). */
function assetFiles(dir: string, artifacts: readonly any[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const artifact of artifacts.filter((candidate) => candidate?.type === ASSET_MANIFEST_ARTIFACT && typeof candidate.properties?.file === 'string')) {
    const manifestFile = path.join(dir, artifact.properties.file);
    const assets = readJson(manifestFile, 'the asset manifest the cloud assembly manifest names');
    for (const asset of Object.values<any>(isRecord(assets) && isRecord(assets.files) ? assets.files : {})) {
      for (const destination of Object.values<any>(asset?.destinations ?? {})) {
        if (typeof destination?.objectKey === 'string' && typeof asset.source?.path === 'string') {
          files.set(destination.objectKey, asset.source.path);
        }
      }
    }
  }
  return files;
}

function readStackArtifact(dir: string, artifactId: string, artifact: any, assets: ReadonlyMap<string, string>): TemplateStack[] {
  const templateFile = artifact.properties?.templateFile;
  if (typeof templateFile !== 'string') {
    throw new ReportInputError(`${path.join(dir, MANIFEST)}: artifact ${artifactId} has no "properties.templateFile": expected the template file of the stack.`);
  }
  const [account, region] = environmentOf(artifact.environment);
  const metadata = metadataOf(dir, artifact);
  const stackPath = [...metadata].find(([, entries]) => entries.some((entry) => entry.type === 'aws:cdk:templateFile'))?.[0];
  const entry: StackEntry = {
    id: artifactId,
    stackName: artifact.properties.stackName ?? artifact.displayName?.split('/').pop() ?? artifactId,
    ...(stackPath ? { path: stackPath.replace(/^\//, '') } : {}),
    account,
    region,
  };
  const file = path.join(dir, templateFile);
  const stack: TemplateStack = { entry, file, template: readTemplate(file, `the template of stack ${artifactId}`), metadata, resourcePaths: new Map() };
  const stacks = [stack, ...nestedStacks(dir, stack, assets)];
  assignResourcePaths(stacks);
  return stacks;
}

/** Each `aws:cdk:logicalId` entry belongs to the deepest stack (nested or not) whose construct path holds it. */
function assignResourcePaths(stacks: readonly TemplateStack[]): void {
  const byDepth = [...stacks].filter((stack) => stack.entry.path).sort((a, b) => b.entry.path!.length - a.entry.path!.length);
  for (const [constructPath, entries] of stacks[0].metadata) {
    const logicalId = entries.find((entry) => entry.type === 'aws:cdk:logicalId')?.data;
    const owner = byDepth.find((stack) => constructPath.startsWith(`/${stack.entry.path}/`)) ?? stacks[0];
    if (typeof logicalId === 'string') {
      (owner.resourcePaths as Map<string, string>).set(logicalId, constructPath.replace(/^\//, ''));
    }
  }
}

/**
 * The nested stacks of a stack, depth first: each `AWS::CloudFormation::Stack` whose template is in the
 * assembly, named by its `aws:asset:path` metadata or, without asset metadata, by the asset its `TemplateURL` points at.
 */
function nestedStacks(dir: string, parent: TemplateStack, assets: ReadonlyMap<string, string>): TemplateStack[] {
  const templateOf = (resource: TemplateResourceJson): string | undefined => {
    const assetPath = resource.Metadata?.['aws:asset:path'];
    const objectKey = /([^/"]+\.json)"/.exec(JSON.stringify(resource.Properties?.TemplateURL ?? ''))?.[1];
    return typeof assetPath === 'string' ? assetPath : objectKey && assets.get(objectKey);
  };
  return Object.entries(parent.template.Resources)
    .filter(([, resource]) => resource.Type === NESTED_STACK_TYPE && templateOf(resource) !== undefined)
    .flatMap(([logicalId, resource]) => {
      const file = path.join(dir, templateOf(resource)!);
      const resourcePath: string | undefined = resource.Metadata?.['aws:cdk:path'] ?? metadataPathOf(parent, logicalId);
      const entry: StackEntry = {
        id: `${parent.entry.id}/${logicalId}`,
        stackName: `${parent.entry.stackName}-${logicalId}`,
        ...(resourcePath ? { path: resourcePath.replace(/\.NestedStack\/.*$/, '') } : {}),
        account: parent.entry.account,
        region: parent.entry.region,
        parent: parent.entry.id,
      };
      const stack: TemplateStack = {
        entry,
        file,
        template: readTemplate(file, `the template of nested stack ${logicalId} of stack ${parent.entry.id}`),
        metadata: parent.metadata,
        parent: { stack: parent, logicalId },
        resourcePaths: new Map(),
      };
      return [stack, ...nestedStacks(dir, stack, assets)];
    });
}

/** The construct path the metadata gives a logical id of a stack (the shortest under the stack's path, where ids repeat in nested stacks). */
function metadataPathOf(stack: TemplateStack, logicalId: string): string | undefined {
  return [...stack.metadata]
    .filter(([constructPath, entries]) => constructPath.startsWith(`/${stack.entry.path}/`)
      && entries.some((entry) => entry.type === 'aws:cdk:logicalId' && entry.data === logicalId))
    .map(([constructPath]) => constructPath.replace(/^\//, ''))
    .sort((a, b) => a.length - b.length)[0];
}

/** `aws://111111111111/eu-west-1` → its account and Region, `unknown-account` / `unknown-region` when agnostic. */
function environmentOf(environment: unknown): [string, string] {
  const match = typeof environment === 'string' ? /^aws:\/\/([^/]+)\/(.+)$/.exec(environment) : null;
  return [match?.[1] ?? 'unknown-account', match?.[2] ?? 'unknown-region'];
}

/** The artifact's metadata by construct path: in the manifest, or (newer CLIs) in its `additionalMetadataFile`. */
function metadataOf(dir: string, artifact: any): Map<string, MetadataEntry[]> {
  const byPath = new Map<string, MetadataEntry[]>();
  const add = (entries: Record<string, unknown>) => {
    for (const [constructPath, list] of Object.entries(entries)) {
      byPath.set(constructPath, [...(byPath.get(constructPath) ?? []), ...(Array.isArray(list) ? list : [])]);
    }
  };
  if (isRecord(artifact.metadata)) {
    add(artifact.metadata);
  }
  if (typeof artifact.additionalMetadataFile === 'string') {
    const file = path.join(dir, artifact.additionalMetadataFile);
    const metadata = readJson(file, 'the metadata file the manifest names');
    if (!isRecord(metadata)) {
      throw new ReportInputError(`${file} is not stack metadata: expected a JSON object of construct paths, as \`cdk synth\` writes.`);
    }
    add(metadata);
  }
  return byPath;
}

function readTemplate(file: string, what: string): Template {
  const template = readJson(file, what);
  if (!isRecord(template) || (template.Resources !== undefined && !isRecord(template.Resources))) {
    throw new ReportInputError(`${file} is not a CloudFormation template: expected a JSON object with a "Resources" object (${what}).`);
  }
  return { ...template, Resources: template.Resources ?? {} } as Template;
}

function readJson(file: string, what: string): unknown {
  if (!fs.existsSync(file)) {
    throw new ReportInputError(`${file} not found: expected ${what}.`);
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ReportInputError(`${file} is not valid JSON (${(error as Error).message}): expected ${what}.`);
  }
}

export function isRecord(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
