import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, IPolicyValidationContext, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** One synthesized template: a stack of the app, or a nested stack. */
export interface StackTemplate {
  /** The template file, absolute. */
  readonly templatePath: string;
  /** The template as CloudFormation receives it. */
  readonly template: any;
  /** For a nested stack: its `AWS::CloudFormation::Stack` resource in the parent template. */
  readonly parent?: { readonly stack: StackTemplate; readonly logicalId: string };
}

/** One resource of a synthesized template. */
export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  /** `Properties` as synthesized: after overrides, injectors and mixins. */
  readonly properties: Record<string, any>;
  readonly stack: StackTemplate;
  /** The construct path of the L1 the resource came from, when the construct tree is known. */
  readonly constructPath?: string;
}

/**
 * Every template of a cloud assembly, with what is needed to follow a value from one template to
 * another: the exports of every stack (`Fn::ImportValue`) and the parameters each parent passes
 * to its nested stacks.
 */
export class SynthesizedApp {
  /**
   * The templates the validation framework names, and their nested stacks. The construct tree,
   * where the framework passes it (aws-cdk-lib 2.27x and later), gives construct paths and the
   * nested stack templates.
   */
  public static fromContext(context: IPolicyValidationContext): SynthesizedApp {
    const app = new SynthesizedApp();
    const tree = context.appConstruct ? constructTree(context.appConstruct) : undefined;
    for (const templatePath of context.templatePaths) {
      const stackPath = tree?.stackPathByTemplate.get(templatePath);
      app.addTemplate(templatePath, undefined, stackPath, tree);
    }
    return app;
  }

  public readonly resources: TemplateResource[] = [];
  private readonly exports = new Map<string, { stack: StackTemplate; value: unknown }>();

  private addTemplate(templatePath: string, parent: StackTemplate['parent'], stackPath: string | undefined, tree: ConstructTree | undefined): void {
    const stack: StackTemplate = { templatePath, template: JSON.parse(fs.readFileSync(templatePath, 'utf8')), parent };
    for (const output of Object.values<any>(stack.template.Outputs ?? {})) {
      if (typeof output?.Export?.Name === 'string') {
        this.exports.set(output.Export.Name, { stack, value: output.Value });
      }
    }
    for (const [logicalId, resource] of Object.entries<any>(stack.template.Resources ?? {})) {
      const constructPath = stackPath === undefined ? undefined : tree?.resourcePaths.get(`${stackPath}\u0000${logicalId}`);
      this.resources.push({ logicalId, type: resource.Type, properties: resource.Properties ?? {}, stack, constructPath });
      const nested = constructPath === undefined ? undefined : tree?.nestedStackByResourcePath.get(constructPath);
      if (nested) {
        this.addTemplate(path.join(path.dirname(templatePath), nested.templateFile), { stack, logicalId }, nested.node.path, tree);
      }
    }
  }

  /** The resource a `Ref` or `Fn::GetAtt` in `stack` names. */
  public resource(stack: StackTemplate, logicalId: string): TemplateResource | undefined {
    return this.resources.find((resource) => resource.stack === stack && resource.logicalId === logicalId);
  }

  /** The resources of one type, in every template. */
  public resourcesOfType(type: string): TemplateResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  /** The value a stack of this app exports under `name`. */
  public exported(name: string): { stack: StackTemplate; value: unknown } | undefined {
    return this.exports.get(name);
  }
}

interface ConstructTree {
  readonly stackPathByTemplate: Map<string, string>;
  /** Construct path of each L1, by `<stack path>\0<logical id>`. */
  readonly resourcePaths: Map<string, string>;
  /** Nested stacks, by the construct path of their `AWS::CloudFormation::Stack` resource. */
  readonly nestedStackByResourcePath: Map<string, NestedStack>;
}

function constructTree(root: IConstruct): ConstructTree {
  const tree: ConstructTree = { stackPathByTemplate: new Map(), resourcePaths: new Map(), nestedStackByResourcePath: new Map() };
  for (const construct of root.node.findAll()) {
    if (Stack.isStack(construct) && !construct.nested) {
      // Each stage writes its stacks to its own assembly directory.
      tree.stackPathByTemplate.set(path.resolve(Stage.of(construct)!.outdir, construct.templateFile), construct.node.path);
    }
    if (NestedStack.isNestedStack(construct) && construct.nestedStackResource) {
      tree.nestedStackByResourcePath.set(construct.nestedStackResource.node.path, construct);
    }
    if (CfnResource.isCfnResource(construct)) {
      const stack = Stack.of(construct);
      tree.resourcePaths.set(`${stack.node.path}\u0000${stack.resolve(construct.logicalId)}`, construct.node.path);
    }
  }
  return tree;
}
